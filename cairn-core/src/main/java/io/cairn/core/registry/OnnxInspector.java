package io.cairn.core.registry;

import java.nio.file.Path;

/**
 * Reads an ONNX model file and describes it. Implementations are thread-safe. A file that is not a
 * loadable ONNX model (truncated, not ONNX at all, unsupported) fails with a CairnException of code
 * INVALID_PARAMETER_VALUE whose message names the file and says what is wrong with it.
 */
@FunctionalInterface
public interface OnnxInspector {
  OnnxDescription inspect(Path file);
}
