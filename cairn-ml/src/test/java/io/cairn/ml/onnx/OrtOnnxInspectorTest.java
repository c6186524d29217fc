package io.cairn.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class OrtOnnxInspectorTest {
  private final OrtOnnxInspector inspector = new OrtOnnxInspector();

  @Test
  void inspect_logisticRegression_describesFloatInputLabelsAndZipMapProbabilities() {
    OnnxDescription d = inspector.inspect(Fixtures.model("logreg_iris"));

    assertThat(d.inputs()).containsExactly(new TensorSpec("input", "float", List.of("-1", "4")));
    assertThat(d.outputs())
        .containsExactly(
            new TensorSpec("output_label", "int64", List.of("-1")),
            new TensorSpec("output_probability", "seq(map(int64,float))", null));
    assertThat(d.opsetImports()).containsEntry("ai.onnx", 9L).containsEntry("ai.onnx.ml", 1L);
    assertThat(d.producerName()).isEqualTo("skl2onnx");
    assertThat(d.producerVersion()).isEqualTo("1.20.0");
    assertThat(d.graphName()).isEqualTo("logreg_iris");
    assertThat(d.irVersion()).isEqualTo(8);
    assertThat(d.nodeCount()).isEqualTo(4);
  }

  @Test
  void inspect_randomForestWithStringClasses_describesStringLabelsAndStringKeyedZipMap() {
    OnnxDescription d = inspector.inspect(Fixtures.model("rf_iris"));

    assertThat(d.inputs()).containsExactly(new TensorSpec("input", "float", List.of("-1", "4")));
    assertThat(d.outputs())
        .containsExactly(
            new TensorSpec("output_label", "string", List.of("-1")),
            new TensorSpec("output_probability", "seq(map(string,float))", null));
    assertThat(d.opsetImports()).containsKeys("ai.onnx", "ai.onnx.ml");
  }

  @Test
  void inspect_mlpWithoutZipMap_describesProbabilitiesAsFloatMatrix() {
    OnnxDescription d = inspector.inspect(Fixtures.model("mlp_iris"));

    assertThat(d.outputs())
        .containsExactly(
            new TensorSpec("label", "int64", List.of("-1")),
            new TensorSpec("probabilities", "float", List.of("-1", "3")));
    assertThat(d.nodeCount()).isEqualTo(12);
  }

  @Test
  void inspect_dynamicAxes_keepsTheSymbolicBatchDimensionName() {
    OnnxDescription d = inspector.inspect(Fixtures.model("dynamic_axes"));

    assertThat(d.inputs())
        .containsExactly(new TensorSpec("features", "double", List.of("batch", "4")));
    assertThat(d.outputs())
        .containsExactly(
            new TensorSpec("label", "int64", List.of("batch")),
            new TensorSpec("probabilities", "double", List.of("batch", "3")));
    assertThat(d.opsetImports()).isEqualTo(Map.of("ai.onnx", 13L, "ai.onnx.ml", 1L));
  }

  @ParameterizedTest
  @FieldSource("io.cairn.ml.onnx.Fixtures#MODELS")
  void inspect_anyModel_recordsTheFileSizeAndItsSha256(String name) throws Exception {
    Path file = Fixtures.model(name);
    byte[] bytes = Files.readAllBytes(file);

    OnnxDescription d = inspector.inspect(file);

    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    assertThat(d.sha256()).isEqualTo(sha256);
    assertThat(d.fileSize()).isEqualTo(bytes.length);
  }

  @ParameterizedTest
  @FieldSource("io.cairn.ml.onnx.Fixtures#MODELS")
  void inspect_anyModel_agreesWithWhatOnnxRuntimeReportsForTensors(String name) throws Exception {
    OnnxDescription d = inspector.inspect(Fixtures.model(name));

    try (OrtSession session =
        OrtEnvironment.getEnvironment().createSession(Fixtures.model(name).toString())) {
      List<TensorSpec> fromRuntime =
          session.getOutputInfo().values().stream().map(ElementTypes::spec).toList();
      assertThat(fromRuntime).hasSameSizeAs(d.outputs());
      for (int i = 0; i < fromRuntime.size(); i++) {
        assertThat(fromRuntime.get(i).name()).isEqualTo(d.outputs().get(i).name());
        assertThat(fromRuntime.get(i).elementType()).isEqualTo(d.outputs().get(i).elementType());
      }
      for (NodeInfo input : session.getInputInfo().values()) {
        assertThat(d.inputs()).contains(ElementTypes.spec(input));
      }
    }
  }

  @Test
  void inspect_truncatedFile_failsWithInvalidParameterValueSayingItIsTruncated() {
    assertInvalid(Fixtures.resource("truncated.onnx"), "truncated");
  }

  @Test
  void inspect_textFileNamedOnnx_failsWithInvalidParameterValue() {
    assertInvalid(Fixtures.resource("not_onnx.onnx"), "not in ONNX's protobuf format");
  }

  @Test
  void inspect_emptyFile_failsWithInvalidParameterValue(@TempDir Path dir) throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.onnx"));

    assertInvalid(empty, "the file is empty");
  }

  @Test
  void inspect_protobufWithoutGraph_failsWithInvalidParameterValue(@TempDir Path dir)
      throws Exception {
    // ModelProto with ir_version = 8 and nothing else.
    Path header = Files.write(dir.resolve("header_only.onnx"), new byte[] {0x08, 0x08});

    assertInvalid(header, "it has no graph");
  }

  @Test
  void inspect_modelThatOnnxRuntimeRefuses_failsWithInvalidParameterValueGivingItsReason(
      @TempDir Path dir) throws Exception {
    // ModelProto with ir_version = 8 and an empty graph, but no opset import.
    Path noOpset = Files.write(dir.resolve("no_opset.onnx"), new byte[] {0x08, 0x08, 0x3a, 0x00});

    assertInvalid(noOpset, "ONNX Runtime cannot load it (ORT_FAIL: Missing opset in the model)");
  }

  @Test
  void inspect_directory_failsWithInvalidParameterValue(@TempDir Path dir) throws Exception {
    Path directory = Files.createDirectory(dir.resolve("model.onnx"));

    assertInvalid(directory, "not a regular file");
  }

  @Test
  void inspect_missingFile_failsWithResourceDoesNotExist(@TempDir Path dir) {
    assertThatThrownBy(() -> inspector.inspect(dir.resolve("missing.onnx")))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessage("missing.onnx does not exist.");
  }

  @Test
  void inspect_everyPrefixOfAModel_failsWithNothingButInvalidParameterValue(@TempDir Path dir)
      throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.model("logreg_iris"));
    Path cut = dir.resolve("cut.onnx");
    int failed = 0;
    for (int length = 1; length < bytes.length; length++) {
      Files.write(cut, Arrays.copyOf(bytes, length));

      Throwable thrown = catchThrowable(() -> inspector.inspect(cut));

      // A cut between two top-level fields can leave a smaller valid model (here: one without
      // its last opset import), so only what is thrown is checked.
      if (thrown != null) {
        failed++;
        assertThat(thrown).as("prefix of %d bytes", length).isInstanceOf(CairnException.class);
        assertThat(((CairnException) thrown).code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE);
        assertThat(thrown.getMessage()).startsWith("cut.onnx is not a valid ONNX model: ");
      }
    }
    assertThat(failed).isGreaterThan(bytes.length - 10);
  }

  private void assertInvalid(Path file, String reason) {
    assertThatThrownBy(() -> inspector.inspect(file))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageStartingWith(file.getFileName() + " is not a valid ONNX model: ")
        .hasMessageContaining(reason)
        .hasMessageNotContaining(file.getParent().toString());
  }
}
