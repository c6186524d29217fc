package io.cairn.ml.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.ml.onnx.Fixtures.Expected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class OnnxModelRunnerTest {
  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest
  @FieldSource("io.cairn.ml.onnx.Fixtures#MODELS")
  void predict_irisFeatures_givesScikitLearnsLabelsExactlyAndProbabilitiesWithin1e5(String name) {
    Expected expected = Fixtures.expected(name);
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model(name), 1)) {
      boolean doubleInput = runner.description().inputs().get(0).elementType().equals("double");

      Predictions p =
          doubleInput ? runner.predict(expected.inputs()) : runner.predict(expected.floatInputs());

      assertThat(p.labelList()).isEqualTo(expected.labels());
      assertClose(p.probabilities(), expected.probabilities());
    }
  }

  @Test
  void predict_zipMapOutput_namesTheProbabilityColumnsWithScikitLearnsClasses() {
    for (String name : List.of("logreg_iris", "rf_iris")) {
      Expected expected = Fixtures.expected(name);
      try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model(name), 1)) {
        Predictions p = runner.predict(expected.floatInputs());

        assertThat(p.classes()).isEqualTo(expected.classes());
      }
    }
  }

  @Test
  void predict_stringClasses_givesStringLabels() {
    Expected expected = Fixtures.expected("rf_iris");
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("rf_iris"), 1)) {
      Predictions p = runner.predict(expected.floatInputs());

      assertThat(p.stringLabels()).containsExactlyElementsOf(toStrings(expected.labels()));
      assertThat(p.outputs()).containsKeys("output_label", "output_probability");
    }
  }

  @Test
  void predict_doubleMatrixForAFloatModel_givesTheSameAsTheFloatMatrix() {
    Expected expected = Fixtures.expected("mlp_iris");
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("mlp_iris"), 1)) {
      Predictions fromFloats = runner.predict(expected.floatInputs());
      Predictions fromDoubles = runner.predict(expected.inputs());

      assertThat(fromDoubles.longLabels()).isEqualTo(fromFloats.longLabels());
      assertThat(fromDoubles.probabilities()).isDeepEqualTo(fromFloats.probabilities());
    }
  }

  @Test
  void predict_byInputName_givesTheSameAsTheSingleMatrix() {
    Expected expected = Fixtures.expected("dynamic_axes");
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("dynamic_axes"), 1)) {
      Predictions byName = runner.predict(Map.of("features", expected.inputs()));

      assertThat(byName.labelList()).isEqualTo(expected.labels());
    }
  }

  @Test
  void predict_wrongNumberOfColumns_failsWithInvalidParameterValueNamingTheInput() {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("logreg_iris"), 1)) {
      assertInvalid(
          () -> runner.predict(new float[][] {{1, 2, 3}}),
          "The input 'input' of logreg_iris.onnx takes 4 columns, got 3.");
    }
  }

  @Test
  void predict_raggedRows_failsWithInvalidParameterValue() {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("logreg_iris"), 1)) {
      assertInvalid(
          () -> runner.predict(new float[][] {{1, 2, 3, 4}, {1, 2}}),
          "Row 1 of the input 'input' of logreg_iris.onnx has 2 values, expected 4 like row 0.");
    }
  }

  @Test
  void predict_integerMatrixForAFloatInput_failsWithInvalidParameterValue() {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("logreg_iris"), 1)) {
      assertInvalid(
          () -> runner.predict(Map.of("input", new long[][] {{1, 2, 3, 4}})),
          "The input 'input' of logreg_iris.onnx must be a float[][] or double[][], got long[][].");
    }
  }

  @Test
  void predict_noRows_failsWithInvalidParameterValue() {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("logreg_iris"), 1)) {
      assertInvalid(
          () -> runner.predict(new float[0][]),
          "The input 'input' of logreg_iris.onnx has no rows.");
    }
  }

  @Test
  void predict_unknownInputName_failsWithInvalidParameterValueListingTheInputs() {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("logreg_iris"), 1)) {
      assertInvalid(
          () -> runner.predict(Map.of("x", new float[][] {{1, 2, 3, 4}})),
          "logreg_iris.onnx takes the inputs [input], got [x].");
    }
  }

  @Test
  void predict_afterClose_failsWithInvalidState() {
    OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("logreg_iris"), 1);
    runner.close();
    runner.close();

    assertThatThrownBy(() -> runner.predict(new float[][] {{1, 2, 3, 4}}))
        .isInstanceOfSatisfying(
            CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("closed");
  }

  @Test
  void predict_fromSeveralThreadsAtOnce_givesEveryThreadTheSameAnswer() throws Exception {
    Expected expected = Fixtures.expected("rf_iris");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("rf_iris"), 1)) {
      List<Future<List<Object>>> answers = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        answers.add(pool.submit(() -> runner.predict(expected.floatInputs()).labelList()));
      }
      for (Future<List<Object>> answer : answers) {
        assertThat(answer.get()).isEqualTo(expected.labels());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void open_truncatedFile_failsWithInvalidParameterValueNamingTheFile() {
    assertInvalid(
        () -> OnnxModelRunner.open(Fixtures.resource("truncated.onnx")),
        "truncated.onnx is not a valid ONNX model: ");
  }

  @Test
  void description_isWhatTheInspectorSays() {
    try (OnnxModelRunner runner = OnnxModelRunner.open(Fixtures.model("dynamic_axes"))) {
      assertThat(runner.description())
          .isEqualTo(new OrtOnnxInspector().inspect(Fixtures.model("dynamic_axes")));
    }
  }

  private static void assertClose(double[][] actual, double[][] expected) {
    assertThat(actual).hasDimensions(expected.length, expected[0].length);
    for (int r = 0; r < expected.length; r++) {
      for (int c = 0; c < expected[r].length; c++) {
        assertThat(actual[r][c])
            .as("row %d, column %d", r, c)
            .isCloseTo(expected[r][c], within(TOLERANCE));
      }
    }
  }

  private static List<String> toStrings(List<Object> values) {
    return values.stream().map(String::valueOf).toList();
  }

  private static void assertInvalid(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining(message);
  }
}
