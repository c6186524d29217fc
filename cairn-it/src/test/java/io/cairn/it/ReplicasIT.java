package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.cairn.server.ServerConfig;
import io.cairn.server.ServerFixture;
import io.cairn.storage.sql.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL schema, written to concurrently with every write alternating
 * between them: each write is visible at once through the other server, and afterwards the two
 * answer every read (get-run, search pages, metric history) identically, field by field.
 */
class ReplicasIT {
  private static final int WRITERS = 6;
  private static final int RUNS_PER_WRITER = 4;
  private static final int ROUNDS = 8;

  @TempDir Path dir;

  @Test
  void twoServersOnePostgres_agreeOnEveryRead() throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    try (ServerFixture a = new ServerFixture(config(url, "a"));
        ServerFixture b = new ServerFixture(config(url, "b"))) {
      Http[] servers = {new Http(a.url()), new Http(b.url())};
      String experimentId =
          Http.ok(servers[0].post(Endpoints.P + "/experiments/create", "{\"name\": \"replicas\"}"))
              .get("experiment_id")
              .asText();
      AtomicInteger writes = new AtomicInteger();
      AtomicInteger crossReads = new AtomicInteger();
      List<String> runIds = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        futures.add(
            pool.submit(
                () -> new Writer(servers, experimentId, writer, writes, crossReads).write()));
      }
      for (Future<List<String>> f : futures) {
        runIds.addAll(f.get());
      }
      pool.shutdown();

      int compared = 0;
      for (String runId : runIds) {
        assertSame(servers, "/runs/get?run_id=" + runId);
        for (int k = 0; k < 3; k++) {
          assertSame(servers, "/metrics/get-history?run_id=" + runId + "&metric_key=m" + k);
        }
        compared += 4;
      }
      String search =
          "{\"experiment_ids\": [\""
              + experimentId
              + "\"], \"filter\": \"metrics.m0 >= 2\","
              + " \"order_by\": [\"metrics.m1 DESC\", \"params.writer\"], \"max_results\": 5";
      List<JsonNode> fromA = pages(servers[0], servers[1], search);
      List<JsonNode> fromB = pages(servers[1], servers[0], search);
      assertThat(fromA).hasSize(runIds.size()).isEqualTo(fromB);
      assertSame(servers, "/experiments/get?experiment_id=" + experimentId);
      assertSame(
          servers,
          "/metrics/get-history-bulk-interval?metric_key=m0&max_results=50&run_ids="
              + String.join("&run_ids=", runIds.subList(0, 10)));
      compared += 3 + fromA.size();
      System.out.printf(
          "replicas: %d writers, %d runs, %d writes alternating between 2 servers on one"
              + " PostgreSQL, %d read-after-write checks on the other server, %d reads compared"
              + " field by field: all equal%n",
          WRITERS, runIds.size(), writes.get(), crossReads.get(), compared);
    } finally {
      TestDatabases.dropSchemaOf(url);
    }
  }

  private ServerConfig config(String url, String name) {
    return new ServerConfig(
        "127.0.0.1",
        0,
        dir.resolve(name),
        url,
        null,
        null,
        dir.resolve("artifacts"),
        ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
  }

  private static void assertSame(Http[] servers, String pathAndQuery) {
    JsonNode one = Http.ok(servers[0].get(Endpoints.P + pathAndQuery));
    JsonNode two = Http.ok(servers[1].get(Endpoints.P + pathAndQuery));
    assertThat(two).as("the second server's answer to %s", pathAndQuery).isEqualTo(one);
  }

  /** Every run of a search, paging alternately through both servers with each other's tokens. */
  private static List<JsonNode> pages(Http first, Http second, String searchWithoutToken) {
    List<JsonNode> runs = new ArrayList<>();
    String token = null;
    Http[] order = {first, second};
    int page = 0;
    do {
      String body =
          searchWithoutToken + (token == null ? "" : ", \"page_token\": \"" + token + "\"") + "}";
      JsonNode answer = Http.ok(order[page++ % 2].post(Endpoints.P + "/runs/search", body));
      answer.path("runs").forEach(runs::add);
      token = answer.hasNonNull("next_page_token") ? answer.get("next_page_token").asText() : null;
    } while (token != null);
    return runs;
  }

  /** One writer: its runs, each write sent to one server and read back from the other. */
  private record Writer(
      Http[] servers,
      String experimentId,
      int writer,
      AtomicInteger writes,
      AtomicInteger crossReads) {
    List<String> write() {
      List<String> runIds = new ArrayList<>();
      for (int r = 0; r < RUNS_PER_WRITER; r++) {
        Http creator = servers[(writer + r) % 2];
        String runId =
            Http.ok(
                    creator.post(
                        Endpoints.P + "/runs/create",
                        "{\"experiment_id\": \""
                            + experimentId
                            + "\", \"start_time\": "
                            + (1_700_000_000_000L + writer * 100 + r)
                            + "}"))
                .at("/run/info/run_id")
                .asText();
        runIds.add(runId);
        writes.incrementAndGet();
        check(other(creator), runId, run -> run.at("/run/info/run_id").asText().equals(runId));
      }
      for (int round = 0; round < ROUNDS; round++) {
        for (int r = 0; r < runIds.size(); r++) {
          String runId = runIds.get(r);
          Http to = servers[(writer + r + round) % 2];
          int step = round;
          String batch =
              "{\"run_id\": \""
                  + runId
                  + "\", \"metrics\": ["
                  + metric("m0", round + r, step)
                  + ", "
                  + metric("m1", writer * 10 + r, step)
                  + ", "
                  + metric("m2", -round, step)
                  + "], \"params\": [{\"key\": \"p"
                  + round
                  + "\", \"value\": \"w"
                  + writer
                  + "\"}], \"tags\": [{\"key\": \"round\","
                  + " \"value\": \""
                  + round
                  + "\"}]}";
          Http.ok(to.post(Endpoints.P + "/runs/log-batch", batch));
          writes.incrementAndGet();
          check(
              other(to),
              runId,
              run -> hasTag(run, "round", Integer.toString(step)) && hasParam(run, "p" + step));
          if (round == 0) {
            Http.ok(
                other(to)
                    .post(
                        Endpoints.P + "/runs/log-parameter",
                        "{\"run_id\": \""
                            + runId
                            + "\", \"key\": \"writer\", \"value\": \"w"
                            + writer
                            + "\"}"));
            writes.incrementAndGet();
            check(to, runId, run -> hasParam(run, "writer"));
          }
        }
      }
      return runIds;
    }

    private Http other(Http one) {
      return one == servers[0] ? servers[1] : servers[0];
    }

    private void check(Http reader, String runId, java.util.function.Predicate<JsonNode> seen) {
      JsonNode run = Http.ok(reader.get(Endpoints.P + "/runs/get?run_id=" + runId));
      crossReads.incrementAndGet();
      assertThat(seen.test(run)).as("the other server sees the write at once: %s", run).isTrue();
    }

    private static String metric(String key, double value, long step) {
      return "{\"key\": \""
          + key
          + "\", \"value\": "
          + value
          + ", \"timestamp\": "
          + (1_700_000_000_000L + step)
          + ", \"step\": "
          + step
          + "}";
    }

    private static boolean hasTag(JsonNode run, String key, String value) {
      for (JsonNode t : run.at("/run/data/tags")) {
        if (t.get("key").asText().equals(key) && t.get("value").asText().equals(value)) {
          return true;
        }
      }
      return false;
    }

    private static boolean hasParam(JsonNode run, String key) {
      ArrayNode params = (ArrayNode) run.at("/run/data/params");
      for (JsonNode p : params) {
        if (p.get("key").asText().equals(key)) {
          return true;
        }
      }
      return false;
    }
  }
}
