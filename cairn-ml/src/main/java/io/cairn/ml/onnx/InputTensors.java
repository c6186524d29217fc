package io.cairn.ml.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.cairn.core.error.CairnException;
import io.cairn.core.registry.TensorSpec;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns 2-D Java matrices ({@code float[][]}, {@code double[][]}, {@code long[][]}, {@code
 * String[][]}, one row per example) into ONNX Runtime tensors of the element type each input
 * declares. A float input takes a double matrix (narrowed) and a double input a float one
 * (widened), because feature tables come in either.
 */
final class InputTensors {
  private InputTensors() {}

  /**
   * One tensor per model input, which the caller closes. Checks that the names are the model's and
   * that each matrix is non-empty, rectangular and fits the declared shape.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE naming the input and what is wrong
   */
  static Map<String, OnnxTensor> create(
      OrtEnvironment env, String model, List<TensorSpec> specs, Map<String, ?> inputs)
      throws OrtException {
    TreeSet<String> expected = new TreeSet<>();
    specs.forEach(spec -> expected.add(spec.name()));
    if (!expected.equals(new TreeSet<>(inputs.keySet()))) {
      throw CairnException.invalid(
          "%s takes the inputs %s, got %s.", model, expected, new TreeSet<>(inputs.keySet()));
    }
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (TensorSpec spec : specs) {
        tensors.put(spec.name(), tensor(env, model, spec, inputs.get(spec.name())));
      }
      return tensors;
    } catch (RuntimeException | OrtException e) {
      OnnxValue.close(tensors);
      throw e;
    }
  }

  /** The number of rows of a matrix given as an input. */
  static int rows(Object matrix) {
    return matrix instanceof Object[] rows ? rows.length : 0;
  }

  private static OnnxTensor tensor(OrtEnvironment env, String model, TensorSpec spec, Object value)
      throws OrtException {
    String input = "input '" + spec.name() + "' of " + model;
    if (!(value instanceof Object[] rows)) {
      throw CairnException.invalid(
          "The %s must be a 2-D array (one row per example), got %s.", input, typeName(value));
    }
    int columns = columns(input, rows);
    long[] shape = {rows.length, columns};
    checkShape(input, spec, shape);
    int n = Math.multiplyExact(rows.length, columns);
    switch (spec.elementType()) {
      case "float" -> {
        FloatBuffer buffer = FloatBuffer.allocate(n);
        if (value instanceof float[][] matrix) {
          for (float[] row : matrix) {
            buffer.put(row);
          }
        } else if (value instanceof double[][] matrix) {
          for (double[] row : matrix) {
            for (double x : row) {
              buffer.put((float) x);
            }
          }
        } else {
          throw wrongType(input, "float[][] or double[][]", value);
        }
        return OnnxTensor.createTensor(env, buffer.flip(), shape);
      }
      case "double" -> {
        DoubleBuffer buffer = DoubleBuffer.allocate(n);
        if (value instanceof double[][] matrix) {
          for (double[] row : matrix) {
            buffer.put(row);
          }
        } else if (value instanceof float[][] matrix) {
          for (float[] row : matrix) {
            for (float x : row) {
              buffer.put(x);
            }
          }
        } else {
          throw wrongType(input, "double[][] or float[][]", value);
        }
        return OnnxTensor.createTensor(env, buffer.flip(), shape);
      }
      case "int64" -> {
        if (!(value instanceof long[][] matrix)) {
          throw wrongType(input, "long[][]", value);
        }
        LongBuffer buffer = LongBuffer.allocate(n);
        for (long[] row : matrix) {
          buffer.put(row);
        }
        return OnnxTensor.createTensor(env, buffer.flip(), shape);
      }
      case "string" -> {
        if (!(value instanceof String[][] matrix)) {
          throw wrongType(input, "String[][]", value);
        }
        String[] flat = new String[n];
        for (int i = 0; i < matrix.length; i++) {
          System.arraycopy(matrix[i], 0, flat, i * columns, columns);
        }
        return OnnxTensor.createTensor(env, flat, shape);
      }
      default ->
          throw CairnException.invalid(
              "The %s is of type %s; only float, double, int64 and string inputs can be given.",
              input, spec.elementType());
    }
  }

  private static int columns(String input, Object[] rows) {
    if (rows.length == 0) {
      throw CairnException.invalid("The %s has no rows.", input);
    }
    int columns = -1;
    for (int i = 0; i < rows.length; i++) {
      int length = length(rows[i]);
      if (length < 0) {
        throw CairnException.invalid("Row %d of the %s is %s.", i, input, typeName(rows[i]));
      }
      if (columns >= 0 && length != columns) {
        throw CairnException.invalid(
            "Row %d of the %s has %d values, expected %d like row 0.", i, input, length, columns);
      }
      columns = length;
    }
    return columns;
  }

  private static int length(Object row) {
    if (row instanceof float[] r) {
      return r.length;
    }
    if (row instanceof double[] r) {
      return r.length;
    }
    if (row instanceof long[] r) {
      return r.length;
    }
    if (row instanceof String[] r) {
      return r.length;
    }
    return -1;
  }

  private static void checkShape(String input, TensorSpec spec, long[] actual) {
    List<String> declared = spec.shape();
    if (declared == null || declared.size() != 2) {
      throw CairnException.invalid(
          "The %s has shape %s; only inputs of rank 2 (rows, features) can be given as matrices.",
          input, declared == null ? spec.elementType() : declared);
    }
    for (int axis = 0; axis < 2; axis++) {
      String dim = declared.get(axis);
      if (dim.chars().allMatch(Character::isDigit) && Long.parseLong(dim) != actual[axis]) {
        throw CairnException.invalid(
            "The %s takes %s %s, got %d.",
            input, dim, axis == 0 ? "rows" : "columns", actual[axis]);
      }
    }
  }

  private static CairnException wrongType(String input, String expected, Object value) {
    return CairnException.invalid("The %s must be a %s, got %s.", input, expected, typeName(value));
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }
}
