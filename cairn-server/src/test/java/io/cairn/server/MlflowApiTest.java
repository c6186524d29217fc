package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MLflow REST API over real HTTP: shapes, statuses and error codes. */
class MlflowApiTest {
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

  private static String createExperiment(String name) {
    ServerFixture.Answer a =
        server.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"" + name + "\"}");
    assertThat(a.status()).isEqualTo(200);
    return a.json().get("experiment_id").asText();
  }

  private static String createRun(String experimentId) {
    return server
        .post(
            "/api/2.0/mlflow/runs/create",
            "{\"experiment_id\": \"" + experimentId + "\", \"start_time\": \"1700000000000\"}")
        .json()
        .at("/run/info/run_id")
        .asText();
  }

  private static void assertError(
      ServerFixture.Answer a, int status, String code, String fragment) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(
            a.raw() == null
                ? "application/json"
                : a.raw().headers().firstValue("Content-Type").orElse(""))
        .contains("application/json");
    assertThat(a.json().get("error_code").asText()).isEqualTo(code);
    assertThat(a.json().get("message").asText()).contains(fragment);
  }

  @Test
  void duplicateExperiment_is400ResourceAlreadyExists() {
    createExperiment("dup");
    assertError(
        server.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"dup\"}"),
        400,
        "RESOURCE_ALREADY_EXISTS",
        "dup");
  }

  @Test
  void missingThings_are404WithJsonBody() {
    assertError(
        server.get("/api/2.0/mlflow/runs/get?run_id=0123456789abcdef0123456789abcdef"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "not found");
    assertError(
        server.get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=nope"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "nope");
    assertError(
        server.get("/api/2.0/mlflow/experiments/get?experiment_id=424242"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "424242");
    assertError(
        server.get("/api/2.0/mlflow/no-such-endpoint"),
        404,
        "ENDPOINT_NOT_FOUND",
        "no-such-endpoint");
    assertError(
        server.post(
            "/api/2.0/mlflow/registered-models/get-latest-versions", "{\"name\": \"nope\"}"),
        404,
        "RESOURCE_DOES_NOT_EXIST",
        "nope");
  }

  @Test
  void badInput_is400NeverA5xx() {
    assertError(
        server.post("/api/2.0/mlflow/experiments/create", "{\"name\": "),
        400,
        "MALFORMED_REQUEST",
        "Malformed JSON");
    assertError(
        server.post("/api/2.0/mlflow/experiments/create", "{}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "'name'");
    assertError(
        server.post("/api/2.0/mlflow/experiments/create", "[1, 2]"),
        400,
        "INVALID_PARAMETER_VALUE",
        "JSON object");
    assertError(
        server.get("/api/2.0/mlflow/experiments/get?experiment_id=abc"),
        400,
        "INVALID_PARAMETER_VALUE",
        "must be a valid integer");
    String exp = createExperiment("bad-input");
    String run = createRun(exp);
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \""
                + run
                + "\", \"key\": \"m\", \"value\": {\"x\": 1}, \"timestamp\": 1}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "'value'");
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/log-metric",
            "{\"run_id\": \"" + run + "\", \"key\": \"m\", \"value\": 1, \"timestamp\": \"soon\"}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "'timestamp'");
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/log-parameter",
            "{\"run_id\": \"" + run + "\", \"key\": \"../etc\", \"value\": \"1\"}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "../etc");
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/search",
            "{\"experiment_ids\": [\"" + exp + "\"], \"filter\": \"metrics.acc >> 1\"}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "position");
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/search",
            "{\"experiment_ids\": [\"" + exp + "\"], \"page_token\": \"forged\"}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "page token");
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/search",
            "{\"experiment_ids\": [\"" + exp + "\"], \"max_results\": 90000}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "Invalid value 90000 for parameter 'max_results' supplied. It must be at most 50000");
    StringBuilder metrics = new StringBuilder();
    for (int i = 0; i < 1001; i++) {
      metrics
          .append(i == 0 ? "" : ",")
          .append("{\"key\":\"m\",\"value\":1,\"timestamp\":1,\"step\":")
          .append(i)
          .append('}');
    }
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/log-batch",
            "{\"run_id\": \"" + run + "\", \"metrics\": [" + metrics + "]}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "at most 1000");
  }

  @Test
  void changedParam_is400AndExplains() {
    String run = createRun(createExperiment("params"));
    String body = "{\"run_id\": \"" + run + "\", \"key\": \"p\", \"value\": \"%s\"}";
    assertThat(server.post("/api/2.0/mlflow/runs/log-parameter", body.formatted("1")).status())
        .isEqualTo(200);
    assertError(
        server.post("/api/2.0/mlflow/runs/log-parameter", body.formatted("2")),
        400,
        "INVALID_PARAMETER_VALUE",
        "Changing param values is not allowed");
  }

  @Test
  void runLifecycle_overBothPrefixes_withNanAndInfinityOnTheWire() {
    String exp = createExperiment("lifecycle");
    String run = createRun(exp);
    assertThat(
            server
                .post(
                    "/api/2.0/mlflow/runs/log-batch",
                    "{\"run_id\": \""
                        + run
                        + "\","
                        + " \"metrics\": [{\"key\": \"a\", \"value\": \"NaN\", \"timestamp\": \"5\", \"step\": \"1\"},"
                        + " {\"key\": \"b\", \"value\": \"-Infinity\", \"timestamp\": 5}],"
                        + " \"params\": [{\"key\": \"p\", \"value\": \"v\"}], \"tags\": [{\"key\": \"t\", \"value\": \"w\"}]}")
                .status())
        .isEqualTo(200);
    JsonNode got = server.get("/ajax-api/2.0/mlflow/runs/get?run_id=" + run).json().get("run");
    assertThat(got.at("/info/run_uuid").asText()).isEqualTo(run);
    assertThat(got.at("/info/start_time").asLong()).isEqualTo(1700000000000L);
    assertThat(got.at("/data/metrics").toString())
        .contains("\"value\":\"NaN\"")
        .contains("\"value\":\"-Infinity\"");
    JsonNode updated =
        server
            .post(
                "/api/2.0/mlflow/runs/update",
                "{\"run_id\": \""
                    + run
                    + "\", \"status\": \"FINISHED\", \"end_time\": 1700000001000}")
            .json();
    assertThat(updated.at("/run_info/status").asText()).isEqualTo("FINISHED");
    JsonNode history =
        server.get("/api/2.0/mlflow/metrics/get-history?run_id=" + run + "&metric_key=a").json();
    assertThat(history.get("metrics")).hasSize(1);
    assertThat(history.has("next_page_token")).isFalse();
    // MLflow's Metric message as its get-history answers it: no run_id
    assertThat(history.at("/metrics/0").fieldNames())
        .toIterable()
        .containsExactly("key", "value", "timestamp", "step");
    JsonNode search =
        server
            .post(
                "/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\": [\""
                    + exp
                    + "\"], \"filter\": \"params.p = 'v' OR tags.t = 'nope'\"}")
            .json();
    assertThat(search.get("runs")).hasSize(1);
    assertThat(search.has("next_page_token")).isFalse();
  }

  @Test
  void nulCharacters_andBlankBodies_are400() {
    String run = createRun(createExperiment("nul"));
    assertError(
        server.post(
            "/api/2.0/mlflow/runs/set-tag",
            "{\"run_id\": \"" + run + "\", \"key\": \"k\", \"value\": \"a\\u0000b\"}"),
        400,
        "INVALID_PARAMETER_VALUE",
        "NUL");
    assertError(
        server.post("/api/2.0/mlflow/experiments/create", " ".repeat(40)),
        400,
        "INVALID_PARAMETER_VALUE",
        "'name'");
  }

  @Test
  void loneSurrogates_inAnyStringField_are400NamingTheField() {
    String run = createRun(createExperiment("surrogates"));
    String[][] cases = {
      {"/experiments/create", "{'name': 'a\\ud800b'}", "'name'"},
      {"/runs/set-tag", "{'run_id': '$RUN', 'key': 'k', 'value': 'x\\udfff'}", "'value'"},
      {
        "/runs/log-batch",
        "{'run_id': '$RUN', 'tags': [{'key': 'k', 'value': '\\ud800\\ud800'}]}",
        "'tags[0].value'"
      },
      {
        "/runs/log-inputs",
        "{'run_id': '$RUN', 'datasets': [{'dataset': {'name': 'd\\ude00', 'digest': 'x',"
            + " 'source_type': 'local', 'source': 's'}}]}",
        "'datasets[0].dataset.name'"
      },
      {"/runs/search", "{'experiment_ids': ['\\udbff']}", "'experiment_ids'"},
    };
    for (String[] c : cases) {
      assertError(
          server.post("/api/2.0/mlflow" + c[0], c[1].replace("$RUN", run).replace('\'', '"')),
          400,
          "INVALID_PARAMETER_VALUE",
          "Invalid value for parameter " + c[2] + ": it holds a lone UTF-16 surrogate");
    }
    // A pair is one character, not two lone halves.
    String emoji = createExperiment("smile \\ud83d\\ude00");
    assertThat(
            server
                .get("/api/2.0/mlflow/experiments/get?experiment_id=" + emoji)
                .json()
                .at("/experiment/name")
                .asText())
        .isEqualTo("smile \ud83d\ude00");
  }

  @Test
  void defaultExperiment_andGetQueryDecoding() {
    JsonNode e = server.get("/api/2.0/mlflow/experiments/get?experiment_id=0").json();
    assertThat(e.at("/experiment/name").asText()).isEqualTo("Default");
    createExperiment("with space+plus");
    assertThat(
            server
                .get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=with+space%2Bplus")
                .status())
        .isEqualTo(200);
  }
}
