package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpsTest {
  @TempDir Path dir;

  @Test
  void healthMetricsAndVersion() {
    try (ServerFixture server = new ServerFixture(dir)) {
      assertThat(server.get("/health/live").status()).isEqualTo(200);
      assertThat(server.get("/health/ready").json().get("database").asText()).isEqualTo("ok");
      server.get("/api/2.0/mlflow/experiments/get?experiment_id=0");
      String metrics = server.get("/metrics").body();
      assertThat(metrics)
          .contains("http_server_requests_seconds_count")
          .contains("route=\"/api/2.0/mlflow/experiments/get\"")
          .contains("hikaricp_connections")
          .contains("jvm_memory_used_bytes");
      assertThat(server.get("/version").json().get("version").asText())
          .isEqualTo(CairnServer.VERSION);
    }
  }

  @Test
  void portInUse_isAOneLineError() {
    try (ServerFixture first = new ServerFixture(dir.resolve("a"))) {
      ServerConfig clash = ServerConfig.embedded("127.0.0.1", first.port(), dir.resolve("b"));
      try {
        CairnServer.start(clash).close();
        throw new AssertionError("a second server started on a used port");
      } catch (io.cairn.core.error.CairnException e) {
        assertThat(e.getMessage()).contains("already in use").doesNotContain("\n");
      }
    }
  }
}
