package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.client.ModelRegistryClient.VersionInfo;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.ml.onnx.OnnxModelRunner;
import io.cairn.ml.onnx.Predictions;
import io.cairn.server.ServerFixture;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK's ONNX path end to end: log and register a model exported from scikit-learn, load
 * the registered version by alias and run it with ONNX Runtime, predicting what scikit-learn did.
 */
class OnnxModelsTest {
  @TempDir static Path dir;
  static ServerFixture server;
  static CairnClient client;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir.resolve("server"));
    client = new CairnClient(server.url());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static String newRun() {
    String exp = client.createExperiment("onnx-" + System.nanoTime());
    return client
        .post(
            "/api/2.0/mlflow/runs/create",
            client.mapper().createObjectNode().put("experiment_id", exp))
        .at("/run/info/run_id")
        .asText();
  }

  @Test
  void registeredOnnxModel_predictsWhatScikitLearnPredicted() throws Exception {
    for (String fixture : List.of("logreg_iris", "rf_iris", "mlp_iris")) {
      Path onnx = ServerFixture.onnxFixtures().resolve(fixture + ".onnx");
      JsonNode expected =
          new ObjectMapper()
              .readTree(
                  ServerFixture.onnxFixtures().resolve(fixture + ".predictions.json").toFile());
      OnnxModels models = new OnnxModels(client);
      VersionInfo v = models.logAndRegister(newRun(), onnx, "model", "iris-" + fixture);
      assertThat(v.version()).isEqualTo("1");
      new ModelRegistryClient(client).setAlias("iris-" + fixture, "champion", "1");
      float[][] inputs = new float[expected.get("inputs").size()][];
      for (int i = 0; i < inputs.length; i++) {
        JsonNode row = expected.get("inputs").get(i);
        inputs[i] = new float[row.size()];
        for (int j = 0; j < row.size(); j++) {
          inputs[i][j] = (float) row.get(j).asDouble();
        }
      }
      try (OnnxModelRunner runner = models.load("iris-" + fixture, "@champion", dir)) {
        Predictions p = runner.predict(inputs);
        List<Object> labels = p.labelList();
        for (int i = 0; i < inputs.length; i++) {
          assertThat(String.valueOf(labels.get(i)))
              .as(fixture + " row " + i)
              .isEqualTo(expected.get("labels").get(i).asText());
          for (int c = 0; c < p.probabilities()[i].length; c++) {
            assertThat(p.probabilities()[i][c])
                .isCloseTo(expected.get("probabilities").get(i).get(c).asDouble(), within(1e-5));
          }
        }
      }
    }
  }

  @Test
  void versionDetails_showSignatureAndLineage() {
    String run = newRun();
    new OnnxModels(client)
        .logAndRegister(
            run, ServerFixture.onnxFixtures().resolve("dynamic_axes.onnx"), "dyn", "dynamic");
    JsonNode details = new ModelRegistryClient(client).details("dynamic", "1");
    JsonNode input = details.at("/onnx/0/inputs/0");
    assertThat(input.path("name").asText()).isEqualTo("features");
    assertThat(input.path("type").asText()).isEqualTo("double");
    assertThat(input.path("shape").toString()).isEqualTo("[\"batch\",\"4\"]");
    assertThat(details.at("/onnx/0/producer_name").asText()).isEqualTo("skl2onnx");
    assertThat(details.at("/onnx/0/sha256").asText()).hasSize(64);
    assertThat(details.at("/lineage/run/info/run_id").asText()).isEqualTo(run);
    assertThat(
            client
                .listArtifacts(
                    details.path("storage_location").asText().replace("mlflow-artifacts:/", ""))
                .toString())
        .contains("MLmodel", "model.onnx");
  }

  @Test
  void brokenFile_isRefusedBeforeAnythingIsUploaded() {
    String run = newRun();
    assertThatThrownBy(
            () ->
                new OnnxModels(client)
                    .logAndRegister(
                        run,
                        ServerFixture.onnxFixtures().resolve("truncated.onnx"),
                        "model",
                        "broken"))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("truncated.onnx");
  }
}
