package io.cairn.core.registry;

import java.util.List;
import java.util.Map;

/**
 * What Cairn records about an ONNX model file: its signature, the operator sets it imports, who
 * produced it, the size of its graph, and the file's size and sha256 (hex).
 */
public record OnnxDescription(
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Map<String, Long> opsetImports,
    long irVersion,
    String producerName,
    String producerVersion,
    String graphName,
    long nodeCount,
    long fileSize,
    String sha256) {
  public OnnxDescription {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    opsetImports = Map.copyOf(opsetImports);
  }
}
