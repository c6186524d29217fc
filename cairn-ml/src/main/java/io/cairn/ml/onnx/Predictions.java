package io.cairn.ml.onnx;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a model predicted for a batch of rows, in the shape a tabular classifier's outputs usually
 * have (scikit-learn's, converted by skl2onnx: a label output, then a probability output).
 *
 * <p>{@code labels} is a {@code long[]} or a {@code String[]} with one label per row, or null when
 * the model has no such output (a regressor: see {@code outputs}). {@code probabilities} has one
 * row per input row and one column per class, widened to double; it is null when there are no
 * labels or no probability output. {@code classes} names the columns when the model says which
 * (ZipMap's keys, in their natural order, which is scikit-learn's {@code classes_} order); it is
 * empty when the probabilities come as a plain tensor, whose columns follow the model's class
 * order. {@code outputs} holds every output by name as plain Java values: tensors as Java arrays
 * ({@code long[]}, {@code float[][]}, {@code String[]}, ...), sequences as lists and maps as maps.
 *
 * <p>Nothing here holds native memory. The arrays are not copied: the record hands over the ones it
 * was built with, and whoever holds it may change them.
 */
public record Predictions(
    Object labels, double[][] probabilities, List<Object> classes, Map<String, Object> outputs) {
  public Predictions {
    if (labels != null && !(labels instanceof long[]) && !(labels instanceof String[])) {
      throw new IllegalArgumentException("labels must be long[] or String[]");
    }
    classes = List.copyOf(classes);
    outputs = Map.copyOf(outputs);
  }

  /** The labels of a model with integer classes. */
  public long[] longLabels() {
    if (labels instanceof long[] values) {
      return values;
    }
    throw new IllegalStateException("the labels are " + kind() + ", not integers");
  }

  /** The labels of a model with string classes. */
  public String[] stringLabels() {
    if (labels instanceof String[] values) {
      return values;
    }
    throw new IllegalStateException("the labels are " + kind() + ", not strings");
  }

  /** The labels boxed ({@code Long} or {@code String}), for comparing with another framework's. */
  public List<Object> labelList() {
    if (labels instanceof long[] values) {
      return Arrays.stream(values).boxed().map(Object.class::cast).toList();
    }
    if (labels instanceof String[] values) {
      return List.of((Object[]) values);
    }
    return List.of();
  }

  private String kind() {
    if (labels == null) {
      return "missing";
    }
    return labels instanceof long[] ? "integers" : "strings";
  }
}
