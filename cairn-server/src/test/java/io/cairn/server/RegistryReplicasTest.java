package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.storage.sql.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers sharing one PostgreSQL database, dozens of concurrent creators: version numbers are
 * exactly 1..N, with no duplicate and no gap.
 */
class RegistryReplicasTest {
  @TempDir Path dir;

  @Test
  void twoServersOnePostgres_versionsAreOneToN() throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    ServerConfig a =
        new ServerConfig(
            "127.0.0.1",
            0,
            dir.resolve("a"),
            url,
            null,
            null,
            dir.resolve("artifacts"),
            ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
    ServerConfig b =
        new ServerConfig(
            "127.0.0.1",
            0,
            dir.resolve("b"),
            url,
            null,
            null,
            dir.resolve("artifacts"),
            ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
    try (ServerFixture one = new ServerFixture(a);
        ServerFixture two = new ServerFixture(b)) {
      one.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"shared\"}");
      int creators = 32;
      int each = 4;
      ExecutorService pool = Executors.newFixedThreadPool(creators);
      ConcurrentLinkedQueue<Long> versions = new ConcurrentLinkedQueue<>();
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < creators; c++) {
        ServerFixture target = c % 2 == 0 ? one : two;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < each; i++) {
                    ServerFixture.Answer r =
                        target.post(
                            "/api/2.0/mlflow/model-versions/create",
                            "{\"name\": \"shared\", \"source\": \"mlflow-artifacts:/x/model\"}");
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    versions.add(r.json().at("/model_version/version").asLong());
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      TreeSet<Long> unique = new TreeSet<>(versions);
      int n = creators * each;
      System.out.printf(
          "two replicas, %d creators: %d versions created, %d duplicates, %d gaps%n",
          creators,
          versions.size(),
          versions.size() - unique.size(),
          unique.isEmpty() ? n : unique.last() - unique.size());
      assertThat(versions).hasSize(n);
      assertThat(unique).hasSize(n);
      assertThat(unique.first()).isEqualTo(1L);
      assertThat(unique.last()).isEqualTo((long) n);
    } finally {
      TestDatabases.dropSchemaOf(url);
    }
  }
}
