package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.tracking.MlflowClient;

/** The registry over HTTP with real ONNX files, and through the official MLflow Java client. */
class RegistryApiTest {
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

  /** Creates a run, uploads a fixture as {@code <path>/model.onnx}, returns the run id. */
  private static String runWith(String fixture, String path) throws Exception {
    String exp =
        server
            .post(
                "/api/2.0/mlflow/experiments/create",
                "{\"name\": \"reg-" + System.nanoTime() + "\"}")
            .json()
            .get("experiment_id")
            .asText();
    JsonNode run =
        server
            .post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}")
            .json()
            .at("/run/info");
    String root = run.get("artifact_uri").asText().replace("mlflow-artifacts:/", "");
    byte[] bytes = Files.readAllBytes(ServerFixture.onnxFixtures().resolve(fixture));
    assertThat(
            server
                .put(
                    "/api/2.0/mlflow-artifacts/artifacts/" + root + "/" + path + "/model.onnx",
                    bytes)
                .status())
        .isEqualTo(200);
    return run.get("run_id").asText();
  }

  @Test
  void onnxVersion_recordsItsInspection() throws Exception {
    String run = runWith("rf_iris.onnx", "forest");
    server.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"forest\"}");
    JsonNode v =
        server
            .post(
                "/api/2.0/mlflow/model-versions/create",
                "{\"name\": \"forest\","
                    + " \"source\": \"runs:/"
                    + run
                    + "/forest\", \"run_id\": \""
                    + run
                    + "\"}")
            .json();
    assertThat(v.at("/model_version/version").asText()).isEqualTo("1");
    assertThat(v.at("/model_version/status").asText()).isEqualTo("READY");
    JsonNode d = server.get("/api/cairn/v1/registered-models/forest/versions/1").json();
    assertThat(d.at("/onnx/0/path").asText()).isEqualTo("model.onnx");
    assertThat(d.at("/onnx/0/inputs/0/type").asText()).isEqualTo("float");
    assertThat(d.at("/onnx/0/outputs").size()).isEqualTo(2);
    assertThat(d.at("/onnx/0/opset_imports/ai.onnx").asLong()).isPositive();
    assertThat(d.at("/onnx/0/file_size").asLong())
        .isEqualTo(Files.size(ServerFixture.onnxFixtures().resolve("rf_iris.onnx")));
    assertThat(d.at("/lineage/run/info/run_id").asText()).isEqualTo(run);
  }

  @Test
  void brokenOnnxFiles_giveA400AndNoVersion() throws Exception {
    server.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"broken\"}");
    for (String fixture : List.of("truncated.onnx", "not_onnx.onnx")) {
      String run = runWith(fixture, "m");
      ServerFixture.Answer a =
          server.post(
              "/api/2.0/mlflow/model-versions/create",
              "{\"name\": \"broken\", \"source\": \"runs:/" + run + "/m\"}");
      assertThat(a.status()).as(a.body()).isEqualTo(400);
      assertThat(a.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(a.json().get("message").asText()).contains("is not a valid ONNX model");
    }
    assertThat(
            server
                .get("/api/2.0/mlflow/model-versions/search?filter=name%3D'broken'")
                .json()
                .path("model_versions"))
        .isEmpty();
  }

  @Test
  void localAndTraversingSources_areRefusedWith400_andNeverBecomeADownloadUri() throws Exception {
    String run = runWith("logreg_iris.onnx", "model");
    server.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"guarded\"}");
    for (String source :
        List.of(
            "file:///etc",
            "/etc",
            "../../../etc",
            "mlflow-artifacts:/1/%2e%2e/%2e%2e/etc",
            "runs:/" + run + "/../../../etc")) {
      for (String runField : List.of("", ", \"run_id\": \"" + run + "\"")) {
        ServerFixture.Answer a =
            server.post(
                "/api/2.0/mlflow/model-versions/create",
                "{\"name\": \"guarded\", \"source\": \"" + source + "\"" + runField + "}");
        assertThat(a.status()).as(source + " -> " + a.body()).isEqualTo(400);
        assertThat(a.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
        assertThat(a.json().get("message").asText())
            .contains("Invalid model version source '" + source + "'")
            .containsAnyOf("runs:/<run_id>/<path>", "give the absolute path");
      }
    }
    ServerFixture.Answer uri =
        server.get("/api/2.0/mlflow/model-versions/get-download-uri?name=guarded&version=1");
    assertThat(uri.status()).as(uri.body()).isEqualTo(404);
    JsonNode v =
        server
            .post(
                "/api/2.0/mlflow/model-versions/create",
                "{\"name\": \"guarded\", \"source\": \"runs:/" + run + "/model\"}")
            .json();
    assertThat(v.at("/model_version/version").asText()).isEqualTo("1");
  }

  @Test
  void officialJavaClient_registryCalls() throws Exception {
    String run = runWith("logreg_iris.onnx", "model");
    server.post("/api/2.0/mlflow/registered-models/create", "{\"name\": \"java-reg\"}");
    server.post(
        "/api/2.0/mlflow/model-versions/create",
        "{\"name\": \"java-reg\", \"source\": \"runs:/" + run + "/model\"}");
    server.post(
        "/api/2.0/mlflow/model-versions/transition-stage",
        "{\"name\": \"java-reg\", \"version\": \"1\", \"stage\": \"Production\"}");
    try (MlflowClient client = new MlflowClient(server.url())) {
      RegisteredModel model = client.getRegisteredModel("java-reg");
      assertThat(model.getName()).isEqualTo("java-reg");
      List<ModelVersion> latest = client.getLatestVersions("java-reg", List.of("Production"));
      assertThat(latest).extracting(ModelVersion::getVersion).containsExactly("1");
      assertThat(client.getModelVersion("java-reg", "1").getCurrentStage()).isEqualTo("Production");
      assertThat(client.getModelVersionDownloadUri("java-reg", "1"))
          .endsWith("/" + run + "/artifacts/model");
      assertThat(client.searchModelVersions("name = 'java-reg'").getItems()).hasSize(1);
    }
  }
}
