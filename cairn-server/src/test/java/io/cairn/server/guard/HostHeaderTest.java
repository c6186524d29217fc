package io.cairn.server.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.ServerConfig;
import io.cairn.server.ServerFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DNS rebinding: a name the attacker controls, pointed at 127.0.0.1, must not reach the API. */
class HostHeaderTest {
  @TempDir static Path dir;
  static ServerFixture server;
  static ServerFixture proxied;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir.resolve("a"));
    proxied =
        new ServerFixture(
            ServerConfig.embedded("127.0.0.1", 0, dir.resolve("b"))
                .withWeb(
                    new WebSecurity(
                        List.of("*.corp.example", "127.0.0.1:*"),
                        List.of(),
                        "https://cairn.corp.example/")));
  }

  @AfterAll
  static void stop() {
    server.close();
    proxied.close();
  }

  @Test
  void foreignHost_isRefused_butHealthAnswers() {
    RawHttp raw = new RawHttp(server.port());
    for (String host :
        List.of("evil.example:" + server.port(), "evil.example", "127.0.0.1.nip.io", "")) {
      RawHttp.Answer a =
          raw.send(
              "GET", "/api/2.0/mlflow/experiments/search?max_results=1", null, "Host: " + host);
      assertThat(a.status()).as(host).isIn(400, 403);
      if (a.status() == 403) {
        assertThat(a.code()).isEqualTo("PERMISSION_DENIED");
        assertThat(a.json().get("message").asText()).contains("--allowed-hosts");
      }
    }
    assertThat(raw.send("GET", "/health/live", null, "Host: evil.example").status()).isEqualTo(200);
    for (String host : List.of("localhost:" + server.port(), "127.0.0.1", "[::1]:5000")) {
      assertThat(
              raw.send("GET", "/api/2.0/mlflow/experiments/search", null, "Host: " + host).status())
          .as(host)
          .isEqualTo(200);
    }
  }

  @Test
  void configuredPatterns_areServed_othersNot() {
    RawHttp raw = new RawHttp(proxied.port());
    assertThat(raw.send("GET", "/version", null, "Host: x").status()).isEqualTo(200);
    assertThat(
            raw.send("GET", "/api/2.0/mlflow/experiments/search", null, "Host: ml.corp.example")
                .status())
        .isEqualTo(200);
    assertThat(
            raw.send("GET", "/api/2.0/mlflow/experiments/search", null, "Host: localhost").status())
        .isEqualTo(403);
  }

  @Test
  void multipartPartUrls_comeFromConfiguration_notFromTheHostHeader() {
    RawHttp raw = new RawHttp(proxied.port());
    RawHttp.Answer a =
        raw.send(
            "POST",
            "/api/2.0/mlflow-artifacts/mpu/create/0/run/artifacts",
            "{\"path\": \"big.bin\", \"num_parts\": 2}",
            "Content-Type: application/json",
            "Host: evil.corp.example");
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.json().at("/credentials/0/url").asText())
        .startsWith("https://cairn.corp.example/api/2.0/mlflow-artifacts/mpu/part/")
        .doesNotContain("evil");
    RawHttp local = new RawHttp(server.port());
    RawHttp.Answer b =
        local.send(
            "POST",
            "/api/2.0/mlflow-artifacts/mpu/create/0/run/artifacts",
            "{\"path\": \"big.bin\", \"num_parts\": 1}",
            "Content-Type: application/json",
            "Host: localhost:1");
    assertThat(b.json().at("/credentials/0/url").asText())
        .startsWith("http://127.0.0.1:" + server.port() + "/");
  }
}
