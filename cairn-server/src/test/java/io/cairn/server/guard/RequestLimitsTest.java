package io.cairn.server.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.ServerFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The work one request can ask for is bounded before it is done, and nothing is stored that cannot
 * be read back.
 */
class RequestLimitsTest {
  @TempDir static Path dir;
  static ServerFixture server;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String nested(int depth) {
    return "[".repeat(depth) + "]".repeat(depth);
  }

  @Test
  void deeplyNestedMetadata_isRefusedAtWrite_andListsStillAnswerWholeJson() {
    ServerFixture.Answer deep =
        server.post(
            "/api/cairn/v1/datasets",
            "{\"name\": \"deep\", \"metadata\": {\"a\": " + nested(998) + "}}");
    assertThat(deep.status()).isEqualTo(400);
    assertThat(deep.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(deep.json().get("message").asText()).contains("64 levels");
    ServerFixture.Answer fine =
        server.post(
            "/api/cairn/v1/datasets",
            "{\"name\": \"nested\", \"metadata\": {\"a\": " + nested(60) + "}}");
    assertThat(fine.status()).as(fine.body()).isEqualTo(200);
    ServerFixture.Answer list = server.get("/api/cairn/v1/datasets");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("datasets")).hasSize(1);
  }

  @Test
  void bodyOfMillionsOfEmptyObjects_isRefusedByItsCount_beforeAnyTreeIsBuilt() {
    String body = "{\"run_id\": \"x\", \"metrics\": [" + "{},".repeat(3_000_000) + "{}]}";
    ServerFixture.Answer a = server.post("/api/2.0/mlflow/runs/log-batch", body);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("message").asText())
        .contains("more than 200000 JSON values")
        .contains("fewer items");
  }

  @Test
  void overlongNumbers_areRefused() {
    ServerFixture.Answer a =
        server.post(
            "/api/2.0/mlflow/experiments/search", "{\"max_results\": " + "9".repeat(5000) + "}");
    assertThat(a.status()).isEqualTo(400);
  }
}
