package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths and queries sent with odd percent-encodings, exactly as written (raw request lines), on the
 * artifact proxy, the run artifact list and dataset files: IIS's {@code %u002e}, the overlong UTF-8
 * {@code %c0%ae}, double encoding {@code %252e} and plain {@code %2e%2e}. None is a 500, none
 * reaches outside the store; each is a 400 with MLflow's error JSON, or a 404 for a name taken
 * literally that does not exist.
 */
class EncodedPathsTest {
  private static final String A = "/api/2.0/mlflow-artifacts/artifacts";
  @TempDir static Path dir;
  static ServerFixture server;
  static String run;
  static String dataset;

  @BeforeAll
  static void start() throws Exception {
    server = new ServerFixture(dir);
    String exp =
        server
            .post("/api/2.0/mlflow/experiments/create", "{\"name\": \"encoded\"}")
            .json()
            .get("experiment_id")
            .asText();
    run =
        server
            .post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}")
            .json()
            .at("/run/info/run_id")
            .asText();
    byte[] bytes = "a".getBytes(StandardCharsets.UTF_8);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    dataset = "encoded";
    server.put("/api/cairn/v1/datasets/blobs/" + sha, bytes);
    JsonNode pushed =
        server
            .post(
                "/api/cairn/v1/datasets/" + dataset + "/versions",
                "{\"files\": [{\"path\": \"d/a.txt\", \"size\": 1, \"sha256\": \"" + sha + "\"}]}")
            .json();
    assertThat(pushed.at("/version/version").asLong()).as(pushed.toString()).isEqualTo(1);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static void assertRefused(String method, String target) {
    ServerFixture.Answer a = server.raw(method, target);
    assertThat(a.status()).as(method + " " + target + " -> " + a.body()).isEqualTo(400);
    JsonNode body = a.json();
    assertThat(body.get("error_code").asText())
        .as(target)
        .isIn("BAD_REQUEST", "INVALID_PARAMETER_VALUE");
    assertThat(body.get("message").asText()).as(target).isNotBlank().doesNotContain("Exception");
  }

  @Test
  void iisUnicodeEscapes_areA400WithMlflowsErrorJson() {
    String files = "/api/cairn/v1/datasets/" + dataset + "/versions/1/files";
    for (String method : List.of("GET", "PUT", "DELETE")) {
      assertRefused(method, A + "/%u002e%u002e/%u002e%u002e/secret.txt");
      assertRefused(method, A + "/1/%u002E");
      assertRefused(method, A + "/1/%u2215etc");
      assertRefused(method, A + "/1/50%");
    }
    assertRefused("GET", A + "?path=%u002e%u002e");
    assertRefused("GET", "/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=%u002e%u002e");
    assertRefused("GET", files + "/%u002e%u002e/d/a.txt");
    assertRefused("GET", "/api/cairn/v1/datasets/%u002e%u002e/versions/1/files/d/a.txt");
    assertRefused("GET", "/api/2.0/mlflow/logged-models/%u002e");
  }

  @Test
  void overlongAndSurrogateUtf8_areA400_notNamesWithReplacementCharacters() {
    String files = "/api/cairn/v1/datasets/" + dataset + "/versions/1/files";
    for (String method : List.of("GET", "PUT", "DELETE")) {
      assertRefused(method, A + "/%c0%ae%c0%ae/x");
      assertRefused(method, A + "/1/%ed%a0%80.bin");
    }
    assertRefused("GET", A + "?path=%c0%ae%c0%ae");
    assertRefused("GET", "/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=%c0%ae");
    assertRefused("GET", files + "/%c0%ae%c0%ae/d/a.txt");
    assertRefused("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=%ED%A0%80");
    assertThat(server.get(A + "?path=").body()).doesNotContain("\ufffd");
  }

  @Test
  void dotEscapes_plainOrDoubled_areNeverA500() {
    String files = "/api/cairn/v1/datasets/" + dataset + "/versions/1/files";
    for (String method : List.of("GET", "PUT", "DELETE")) {
      assertRefused(method, A + "/%2e%2e/%2e%2e/secret.txt");
      assertRefused(method, A + "/1/%252e%252e/%252e%252e/secret.txt");
    }
    assertRefused("GET", "/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=%2e%2e");
    assertRefused("GET", "/api/2.0/mlflow/artifacts/list?run_id=" + run + "&path=%252e%252e");
    assertRefused("GET", files + "/%2e%2e/d/a.txt");
    // A dataset path is looked up, never joined to a folder: '%2e%2e' decoded once is a name.
    ServerFixture.Answer doubled = server.raw("GET", files + "/%252e%252e/d/a.txt");
    assertThat(doubled.status()).as(doubled.body()).isEqualTo(404);
    assertThat(doubled.json().get("error_code").asText()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    assertThat(server.raw("GET", files + "/d/a.txt").status()).isEqualTo(200);
  }
}
