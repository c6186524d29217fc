package io.cairn.ml.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies a run's outputs out of ONNX Runtime into plain Java values and reads predictions off them.
 */
final class OutputValues {
  private OutputValues() {}

  /** Every output by name, in the model's order, copied so the result can be closed. */
  static Map<String, Object> copy(OrtSession.Result result) throws OrtException {
    Map<String, Object> outputs = new LinkedHashMap<>();
    for (Map.Entry<String, OnnxValue> output : result) {
      outputs.put(output.getKey(), copy(output.getValue()));
    }
    return outputs;
  }

  private static Object copy(OnnxValue value) throws OrtException {
    if (value instanceof OnnxSequence sequence) {
      List<Object> elements = new ArrayList<>();
      for (OnnxValue element : sequence.getValue()) {
        elements.add(copy(element));
      }
      return elements;
    }
    if (value instanceof OnnxMap map) {
      return new HashMap<Object, Object>(map.getValue());
    }
    return value.getValue();
  }

  /**
   * Labels are the first output that is one label per row (integers or strings); probabilities the
   * first other output that is one row per row: ZipMap's list of maps, or a float or double matrix.
   * Without labels nothing is taken as probabilities, so a regressor's scores stay in outputs.
   */
  static Predictions predictions(Map<String, Object> outputs, int rows) {
    String labelOutput = null;
    Object labels = null;
    for (Map.Entry<String, Object> output : outputs.entrySet()) {
      labels = labels(output.getValue(), rows);
      if (labels != null) {
        labelOutput = output.getKey();
        break;
      }
    }
    if (labels == null) {
      return new Predictions(null, null, List.of(), outputs);
    }
    for (Map.Entry<String, Object> output : outputs.entrySet()) {
      if (output.getKey().equals(labelOutput)) {
        continue;
      }
      Object value = output.getValue();
      if (value instanceof List<?> list && list.size() == rows && isListOfMaps(list)) {
        return zipMap(labels, list, outputs);
      }
      double[][] matrix = matrix(value, rows);
      if (matrix != null) {
        return new Predictions(labels, matrix, List.of(), outputs);
      }
    }
    return new Predictions(labels, null, List.of(), outputs);
  }

  private static Object labels(Object value, int rows) {
    if (value instanceof long[] longs && longs.length == rows) {
      return longs;
    }
    if (value instanceof String[] strings && strings.length == rows) {
      return strings;
    }
    if (value instanceof int[] ints && ints.length == rows) {
      long[] longs = new long[rows];
      for (int i = 0; i < rows; i++) {
        longs[i] = ints[i];
      }
      return longs;
    }
    return null;
  }

  private static boolean isListOfMaps(List<?> list) {
    return list.stream().allMatch(Map.class::isInstance);
  }

  /** Columns in the keys' natural order: scikit-learn's classes_ are sorted the same way. */
  private static Predictions zipMap(Object labels, List<?> rows, Map<String, Object> outputs) {
    List<Object> classes = new ArrayList<>(((Map<?, ?>) rows.get(0)).keySet());
    classes.sort(null);
    double[][] probabilities = new double[rows.size()][classes.size()];
    for (int r = 0; r < rows.size(); r++) {
      Map<?, ?> row = (Map<?, ?>) rows.get(r);
      for (int c = 0; c < classes.size(); c++) {
        Object p = row.get(classes.get(c));
        probabilities[r][c] = p instanceof Number number ? number.doubleValue() : Double.NaN;
      }
    }
    return new Predictions(labels, probabilities, classes, outputs);
  }

  private static double[][] matrix(Object value, int rows) {
    if (value instanceof double[][] doubles && doubles.length == rows) {
      return doubles;
    }
    if (value instanceof float[][] floats && floats.length == rows) {
      double[][] matrix = new double[rows][];
      for (int r = 0; r < rows; r++) {
        matrix[r] = new double[floats[r].length];
        for (int c = 0; c < floats[r].length; c++) {
          matrix[r][c] = floats[r][c];
        }
      }
      return matrix;
    }
    return null;
  }
}
