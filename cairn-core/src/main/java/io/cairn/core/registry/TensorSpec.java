package io.cairn.core.registry;

import java.util.List;
import java.util.Objects;

/**
 * One input or output of a model: its name, element type (ONNX names in lower case, such as {@code
 * float}, {@code int64}, {@code string}) and shape, where each dimension is a number, a symbolic
 * name such as {@code batch}, or {@code -1} when unknown. A null shape means the value is not a
 * tensor (a sequence or map), with {@code elementType} saying which.
 */
public record TensorSpec(String name, String elementType, List<String> shape) {
  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(elementType, "elementType");
    shape = shape == null ? null : List.copyOf(shape);
  }
}
