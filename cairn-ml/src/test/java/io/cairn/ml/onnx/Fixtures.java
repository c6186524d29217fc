package io.cairn.ml.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ONNX fixtures in src/test/resources/onnx, made by scripts/make-onnx-fixtures.py, and what
 * scikit-learn predicted for each.
 */
final class Fixtures {
  static final List<String> MODELS = List.of("logreg_iris", "rf_iris", "mlp_iris", "dynamic_axes");

  private Fixtures() {}

  static Path model(String name) {
    return resource(name + ".onnx");
  }

  static Path resource(String fileName) {
    URL url = Fixtures.class.getResource("/onnx/" + fileName);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + fileName);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** scikit-learn's own predictions: inputs, labels (Long or String), probabilities, classes. */
  record Expected(
      double[][] inputs, List<Object> labels, double[][] probabilities, List<Object> classes) {
    float[][] floatInputs() {
      float[][] floats = new float[inputs.length][];
      for (int r = 0; r < inputs.length; r++) {
        floats[r] = new float[inputs[r].length];
        for (int c = 0; c < inputs[r].length; c++) {
          floats[r][c] = (float) inputs[r][c];
        }
      }
      return floats;
    }
  }

  static Expected expected(String name) {
    try {
      JsonNode json = new ObjectMapper().readTree(resource(name + ".predictions.json").toFile());
      return new Expected(
          matrix(json.get("inputs")),
          values(json.get("labels")),
          matrix(json.get("probabilities")),
          values(json.get("classes")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double[][] matrix(JsonNode rows) {
    double[][] matrix = new double[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      JsonNode row = rows.get(r);
      matrix[r] = new double[row.size()];
      for (int c = 0; c < row.size(); c++) {
        matrix[r][c] = row.get(c).asDouble();
      }
    }
    return matrix;
  }

  private static List<Object> values(JsonNode array) {
    List<Object> values = new ArrayList<>();
    for (JsonNode value : array) {
      values.add(value.isIntegralNumber() ? (Object) value.asLong() : value.asText());
    }
    return values;
  }
}
