package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One client cannot starve the others: while 8 hostile clients send oversized, over-counted and
 * stalled requests for {@code cairn.hostileSeconds} (30 s), 8 well-behaved clients keep logging and
 * reading with a p99 under 1 s, {@code /health/live} always answers within 1 s, the server's
 * resident memory stays under 1 GB with the JVM's default heap, and every acknowledged metric is
 * there afterwards. The server is the real cairn.jar in a process of its own.
 */
class HostileLoadIT {
  private static final int CLIENTS = 8;
  @TempDir Path dir;

  @Test
  void hostileClients_doNotStarveWellBehavedOnes() throws Exception {
    long seconds = Long.getLong("cairn.hostileSeconds", 30);
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of())) {
      Http http = new Http(server.url());
      String experiment =
          Http.ok(http.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"load\"}"))
              .get("experiment_id")
              .asText();
      int port = Integer.parseInt(server.url().replaceAll(".*:", ""));
      Attackers attackers = new Attackers(port);
      AtomicBoolean stop = new AtomicBoolean();
      List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
      List<Long> health = Collections.synchronizedList(new ArrayList<>());
      Map<String, Long> acknowledged = new ConcurrentHashMap<>();
      List<String> failures = Collections.synchronizedList(new ArrayList<>());
      AtomicLong peakRss = new AtomicLong();
      ExecutorService pool = Executors.newCachedThreadPool();
      for (int i = 0; i < CLIENTS; i++) {
        int n = i;
        pool.submit(() -> attackers.run(n, CLIENTS));
        pool.submit(() -> behave(http, experiment, stop, latencies, acknowledged, failures));
      }
      pool.submit(
          () -> {
            while (!stop.get()) {
              long t = System.nanoTime();
              Http.Answer a =
                  http.send(
                      http.request("/health/live").timeout(Duration.ofSeconds(5)).GET().build());
              health.add(a.status() == 200 ? System.nanoTime() - t : Long.MAX_VALUE);
              peakRss.accumulateAndGet(server.peakRssMib(), Math::max);
              sleep(200);
            }
          });
      sleep(TimeUnit.SECONDS.toMillis(seconds));
      stop.set(true);
      attackers.stop();
      pool.shutdown();
      assertThat(pool.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
      peakRss.accumulateAndGet(server.peakRssMib(), Math::max);

      long p99 = percentile(latencies, 0.99);
      long healthMax = percentile(health, 1.0);
      System.out.printf(
          "hostile load: %d good calls, p99 %.1f ms, max %.1f ms; health max %.1f ms over %d"
              + " probes; peak RSS %d MiB; hostile answers %s%n",
          latencies.size(),
          p99 / 1e6,
          percentile(latencies, 1.0) / 1e6,
          healthMax / 1e6,
          health.size(),
          peakRss.get(),
          new java.util.TreeMap<>(attackers.answers));
      assertThat(failures).as("well-behaved calls that failed").isEmpty();
      assertThat(latencies.size()).isGreaterThan(100);
      assertThat(p99).as("p99 of well-behaved calls (ns)").isLessThan(1_000_000_000L);
      assertThat(healthMax).as("slowest /health/live (ns)").isLessThan(1_000_000_000L);
      assertThat(peakRss.get()).as("peak RSS (MiB)").isLessThan(1024);
      for (Map.Entry<String, Long> run : acknowledged.entrySet()) {
        JsonNode history =
            Http.ok(
                http.get(
                    "/api/2.0/mlflow/metrics/get-history?run_id="
                        + run.getKey()
                        + "&metric_key=loss&max_results=100000"));
        assertThat((long) history.path("metrics").size()).isEqualTo(run.getValue());
      }
    }
  }

  /** A well-behaved client: a run, then batches of metrics and reads until told to stop. */
  private static void behave(
      Http http,
      String experiment,
      AtomicBoolean stop,
      List<Long> latencies,
      Map<String, Long> acknowledged,
      List<String> failures) {
    String run =
        Http.ok(
                http.post(
                    "/api/2.0/mlflow/runs/create",
                    "{\"experiment_id\": \"" + experiment + "\", \"start_time\": 1}"))
            .at("/run/info/run_id")
            .asText();
    long step = 0;
    while (!stop.get()) {
      StringBuilder batch = new StringBuilder("{\"run_id\": \"" + run + "\", \"metrics\": [");
      for (int k = 0; k < 20; k++, step++) {
        batch
            .append(k == 0 ? "" : ",")
            .append("{\"key\": \"loss\", \"value\": ")
            .append(1.0 / (step + 1))
            .append(", \"timestamp\": 1, \"step\": ")
            .append(step)
            .append('}');
      }
      long t = System.nanoTime();
      Http.Answer a = http.post("/api/2.0/mlflow/runs/log-batch", batch.append("]}").toString());
      latencies.add(System.nanoTime() - t);
      if (a.status() != 200) {
        failures.add("log-batch " + a.status() + " " + a.body());
        step -= 20;
        continue;
      }
      acknowledged.put(run, step);
      t = System.nanoTime();
      Http.Answer read = http.get("/api/2.0/mlflow/runs/get?run_id=" + run);
      latencies.add(System.nanoTime() - t);
      if (read.status() != 200) {
        failures.add("runs/get " + read.status() + " " + read.body());
      }
    }
  }

  private static long percentile(List<Long> values, double q) {
    List<Long> sorted;
    synchronized (values) {
      sorted = new ArrayList<>(values);
    }
    if (sorted.isEmpty()) {
      return 0;
    }
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
