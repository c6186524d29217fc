package io.cairn.ml.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.cairn.core.registry.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The names {@link TensorSpec} gives element types: the lower-case names of onnx.proto's {@code
 * TensorProto.DataType}, and {@code seq(...)}, {@code map(key,value)}, {@code optional(...)} for
 * values that are not tensors.
 */
final class ElementTypes {
  /** Indexed by the {@code TensorProto.DataType} number of onnx.proto. */
  private static final String[] NAMES = {
    "undefined",
    "float",
    "uint8",
    "int8",
    "uint16",
    "int16",
    "int32",
    "int64",
    "string",
    "bool",
    "float16",
    "double",
    "uint32",
    "uint64",
    "complex64",
    "complex128",
    "bfloat16",
    "float8e4m3fn",
    "float8e4m3fnuz",
    "float8e5m2",
    "float8e5m2fnuz",
    "uint4",
    "int4",
    "float4e2m1",
    "float8e8m0",
    "uint2",
    "int2",
    "float6e2m3",
    "float6e3m2"
  };

  private static final String RUNTIME_PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";

  private ElementTypes() {}

  static String name(int dataType) {
    return dataType >= 0 && dataType < NAMES.length ? NAMES[dataType] : "elem_type_" + dataType;
  }

  /**
   * The spec ONNX Runtime's own description gives. The graph's declaration is preferred (it keeps
   * every type ONNX has); this is for a value the graph does not declare.
   */
  static TensorSpec spec(NodeInfo node) {
    ValueInfo info = node.getInfo();
    if (info instanceof TensorInfo tensor) {
      return new TensorSpec(node.getName(), runtimeName(tensor), shape(tensor));
    }
    return new TensorSpec(node.getName(), describe(info), null);
  }

  private static String describe(ValueInfo info) {
    if (info instanceof TensorInfo tensor) {
      return runtimeName(tensor);
    }
    if (info instanceof MapInfo map) {
      return "map(" + javaName(map.keyType) + "," + javaName(map.valueType) + ")";
    }
    if (info instanceof SequenceInfo sequence) {
      String element =
          sequence.isSequenceOfMaps()
              ? describe(sequence.mapInfo)
              : javaName(sequence.sequenceType);
      return "seq(" + element + ")";
    }
    return "unknown";
  }

  private static List<String> shape(TensorInfo tensor) {
    long[] dims = tensor.getShape();
    String[] names = tensor.getDimensionNames();
    List<String> shape = new ArrayList<>(dims.length);
    for (int i = 0; i < dims.length; i++) {
      boolean named = names != null && i < names.length && !names[i].isEmpty();
      shape.add(named ? names[i] : Long.toString(dims[i]));
    }
    return shape;
  }

  /** ONNX Runtime numbers its element types its own way, but names them as ONNX does. */
  private static String runtimeName(TensorInfo tensor) {
    String name = tensor.onnxType.name();
    return name.substring(RUNTIME_PREFIX.length()).toLowerCase(Locale.ROOT);
  }

  private static String javaName(OnnxJavaType type) {
    return type.name().toLowerCase(Locale.ROOT);
  }
}
