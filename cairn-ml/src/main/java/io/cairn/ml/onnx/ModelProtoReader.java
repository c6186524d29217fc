package io.cairn.ml.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.cairn.core.registry.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what Cairn records from an ONNX file by walking the protobuf wire format of onnx.proto
 * field by field. Nothing but the header, the graph's name and its declared inputs and outputs is
 * kept: nodes and initializers (the weights) are skipped as they stream past, so a large model is
 * never held in memory. Every declared length is checked against what is left of the file before
 * anything is read or allocated, which is how a truncated file is told apart from a malformed one.
 *
 * <p>Not thread-safe: one reader per stream.
 */
final class ModelProtoReader {
  /** The file is not an ONNX protobuf; the message says why, as a clause of a sentence. */
  static final class ModelFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    ModelFormatException(String reason) {
      super(reason);
    }
  }

  /** Inputs and outputs are in graph order, keyed by name. */
  record Header(
      long irVersion,
      String producerName,
      String producerVersion,
      Map<String, Long> opsetImports,
      boolean hasGraph,
      String graphName,
      long nodeCount,
      Map<String, TensorSpec> inputs,
      Map<String, TensorSpec> outputs) {}

  /** A type as TensorSpec carries it: a name, and a shape for tensors (null otherwise). */
  private record ValueType(String name, List<String> shape) {
    static final ValueType UNDEFINED = new ValueType("undefined", null);
  }

  // Field numbers of onnx/onnx.proto.
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_PRODUCER_NAME = 2;
  private static final int MODEL_PRODUCER_VERSION = 3;
  private static final int MODEL_GRAPH = 7;
  private static final int MODEL_OPSET_IMPORT = 8;
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;
  private static final int GRAPH_NODE = 1;
  private static final int GRAPH_NAME = 2;
  private static final int GRAPH_INPUT = 11;
  private static final int GRAPH_OUTPUT = 12;
  private static final int VALUE_INFO_NAME = 1;
  private static final int VALUE_INFO_TYPE = 2;
  private static final int TYPE_TENSOR = 1;
  private static final int TYPE_SEQUENCE = 4;
  private static final int TYPE_MAP = 5;
  private static final int TYPE_SPARSE_TENSOR = 8;
  private static final int TYPE_OPTIONAL = 9;
  private static final int TENSOR_ELEM_TYPE = 1;
  private static final int TENSOR_SHAPE = 2;
  private static final int SEQUENCE_ELEM_TYPE = 1;
  private static final int MAP_KEY_TYPE = 1;
  private static final int MAP_VALUE_TYPE = 2;
  private static final int SHAPE_DIM = 1;
  private static final int DIM_VALUE = 1;
  private static final int DIM_PARAM = 2;

  private static final int BUFFER_SIZE = 64 * 1024;
  private static final int MAX_TYPE_DEPTH = 32;

  private final CodedInputStream in;
  private final long size;

  private ModelProtoReader(InputStream stream, long size) {
    this.in = CodedInputStream.newInstance(stream, BUFFER_SIZE);
    this.size = size;
  }

  /**
   * Reads a ModelProto of {@code size} bytes (at most 2 GiB, protobuf's limit) from the stream,
   * which the caller closes.
   *
   * @throws ModelFormatException if the bytes are not an ONNX ModelProto
   */
  static Header read(InputStream stream, long size) throws IOException {
    ModelProtoReader reader = new ModelProtoReader(stream, size);
    try {
      return reader.model();
    } catch (InvalidProtocolBufferException e) {
      throw new ModelFormatException(
          "it is not in ONNX's protobuf format (malformed data near byte "
              + reader.in.getTotalBytesRead()
              + ")");
    }
  }

  private Header model() throws IOException {
    long irVersion = 0;
    String producerName = "";
    String producerVersion = "";
    Map<String, Long> opsets = new LinkedHashMap<>();
    Graph graph = null;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case MODEL_IR_VERSION -> irVersion = int64(tag, "ModelProto.ir_version");
        case MODEL_PRODUCER_NAME -> producerName = string(tag, "ModelProto.producer_name");
        case MODEL_PRODUCER_VERSION -> producerVersion = string(tag, "ModelProto.producer_version");
        case MODEL_GRAPH -> graph = graph(tag);
        case MODEL_OPSET_IMPORT -> opset(tag, opsets);
        default -> skip(tag);
      }
    }
    Graph g = graph == null ? new Graph() : graph;
    return new Header(
        irVersion,
        producerName,
        producerVersion,
        opsets,
        graph != null,
        g.name,
        g.nodeCount,
        g.inputs,
        g.outputs);
  }

  private static final class Graph {
    String name = "";
    long nodeCount;
    final Map<String, TensorSpec> inputs = new LinkedHashMap<>();
    final Map<String, TensorSpec> outputs = new LinkedHashMap<>();
  }

  private Graph graph(int tag) throws IOException {
    Graph graph = new Graph();
    int limit = enter(tag, "ModelProto.graph");
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case GRAPH_NODE -> {
          graph.nodeCount++;
          skip(t);
        }
        case GRAPH_NAME -> graph.name = string(t, "GraphProto.name");
        case GRAPH_INPUT -> put(graph.inputs, valueInfo(t, "GraphProto.input"));
        case GRAPH_OUTPUT -> put(graph.outputs, valueInfo(t, "GraphProto.output"));
        default -> skip(t);
      }
    }
    leave(limit);
    return graph;
  }

  private static void put(Map<String, TensorSpec> specs, TensorSpec spec) {
    specs.putIfAbsent(spec.name(), spec);
  }

  private void opset(int tag, Map<String, Long> opsets) throws IOException {
    int limit = enter(tag, "ModelProto.opset_import");
    String domain = "";
    long version = 0;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case OPSET_DOMAIN -> domain = string(t, "OperatorSetIdProto.domain");
        case OPSET_VERSION -> version = int64(t, "OperatorSetIdProto.version");
        default -> skip(t);
      }
    }
    leave(limit);
    opsets.put(domain.isEmpty() ? "ai.onnx" : domain, version);
  }

  private TensorSpec valueInfo(int tag, String field) throws IOException {
    int limit = enter(tag, field);
    String name = "";
    ValueType type = ValueType.UNDEFINED;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case VALUE_INFO_NAME -> name = string(t, "ValueInfoProto.name");
        case VALUE_INFO_TYPE -> type = type(t, "ValueInfoProto.type", 0);
        default -> skip(t);
      }
    }
    leave(limit);
    return new TensorSpec(name, type.name(), type.shape());
  }

  private ValueType type(int tag, String field, int depth) throws IOException {
    if (depth > MAX_TYPE_DEPTH) {
      throw new ModelFormatException("its types are nested deeper than " + MAX_TYPE_DEPTH);
    }
    int limit = enter(tag, field);
    ValueType type = ValueType.UNDEFINED;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case TYPE_TENSOR -> type = tensor(t, "TypeProto.tensor_type", null);
        case TYPE_SPARSE_TENSOR ->
            type = tensor(t, "TypeProto.sparse_tensor_type", "sparse_tensor");
        case TYPE_SEQUENCE -> type = wrapped(t, "TypeProto.sequence_type", "seq", depth);
        case TYPE_OPTIONAL -> type = wrapped(t, "TypeProto.optional_type", "optional", depth);
        case TYPE_MAP -> type = map(t, depth);
        default -> skip(t);
      }
    }
    leave(limit);
    return type;
  }

  private ValueType tensor(int tag, String field, String wrapper) throws IOException {
    int limit = enter(tag, field);
    String element = "undefined";
    List<String> shape = null;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case TENSOR_ELEM_TYPE -> element = ElementTypes.name((int) int64(t, field + ".elem_type"));
        case TENSOR_SHAPE -> shape = shape(t);
        default -> skip(t);
      }
    }
    leave(limit);
    // A tensor without a shape has an unknown rank; it is reported with a null shape too.
    return new ValueType(wrapper == null ? element : wrapper + "(" + element + ")", shape);
  }

  /** Sequence and Optional: a message whose field 1 is the element's TypeProto. */
  private ValueType wrapped(int tag, String field, String wrapper, int depth) throws IOException {
    int limit = enter(tag, field);
    ValueType element = ValueType.UNDEFINED;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (WireFormat.getTagFieldNumber(t) == SEQUENCE_ELEM_TYPE) {
        element = type(t, field + ".elem_type", depth + 1);
      } else {
        skip(t);
      }
    }
    leave(limit);
    return new ValueType(wrapper + "(" + element.name() + ")", null);
  }

  private ValueType map(int tag, int depth) throws IOException {
    int limit = enter(tag, "TypeProto.map_type");
    String key = "undefined";
    ValueType value = ValueType.UNDEFINED;
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case MAP_KEY_TYPE -> key = ElementTypes.name((int) int64(t, "Map.key_type"));
        case MAP_VALUE_TYPE -> value = type(t, "Map.value_type", depth + 1);
        default -> skip(t);
      }
    }
    leave(limit);
    return new ValueType("map(" + key + "," + value.name() + ")", null);
  }

  private List<String> shape(int tag) throws IOException {
    int limit = enter(tag, "TypeProto.Tensor.shape");
    List<String> dims = new ArrayList<>();
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      if (WireFormat.getTagFieldNumber(t) == SHAPE_DIM) {
        dims.add(dimension(t));
      } else {
        skip(t);
      }
    }
    leave(limit);
    return dims;
  }

  /** A number, a symbolic name, or "-1" when the dimension is neither. */
  private String dimension(int tag) throws IOException {
    int limit = enter(tag, "TensorShapeProto.dim");
    String dim = "-1";
    for (int t = in.readTag(); t != 0; t = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(t)) {
        case DIM_VALUE -> dim = Long.toString(int64(t, "Dimension.dim_value"));
        case DIM_PARAM -> {
          String param = string(t, "Dimension.dim_param");
          dim = param.isEmpty() ? "-1" : param;
        }
        default -> skip(t);
      }
    }
    leave(limit);
    return dim;
  }

  private int enter(int tag, String field) throws IOException {
    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
    return in.pushLimit(length(field));
  }

  private void leave(int limit) throws IOException {
    if (in.getBytesUntilLimit() != 0) {
      throw truncated("a message", in.getBytesUntilLimit());
    }
    in.popLimit(limit);
  }

  private long int64(int tag, String field) throws IOException {
    expect(tag, WireFormat.WIRETYPE_VARINT, field);
    return in.readInt64();
  }

  private String string(int tag, String field) throws IOException {
    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, field);
    return new String(in.readRawBytes(length(field)), StandardCharsets.UTF_8);
  }

  private void skip(int tag) throws IOException {
    int wireType = WireFormat.getTagWireType(tag);
    if (wireType == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      in.skipRawBytes(length("field " + WireFormat.getTagFieldNumber(tag)));
    } else if (!in.skipField(tag)) {
      throw new ModelFormatException(
          "it is not in ONNX's protobuf format (unexpected end-group marker near byte "
              + in.getTotalBytesRead()
              + ")");
    }
  }

  /** Reads a length and checks that the file still holds that many bytes. */
  private int length(String field) throws IOException {
    int length = in.readRawVarint32();
    long left = size - in.getTotalBytesRead();
    if (length < 0) {
      throw new ModelFormatException(
          "it is not in ONNX's protobuf format (" + field + " has a negative length)");
    }
    if (length > left) {
      throw truncated(field + " of " + length + " bytes", left);
    }
    return length;
  }

  private static ModelFormatException truncated(String what, long left) {
    return new ModelFormatException(
        "the file ends before "
            + what
            + " is complete ("
            + left
            + " bytes left), so it is probably truncated");
  }

  private void expect(int tag, int wireType, String field) throws ModelFormatException {
    int actual = WireFormat.getTagWireType(tag);
    if (actual != wireType) {
      throw new ModelFormatException(
          "it is not in ONNX's protobuf format ("
              + field
              + " has wire type "
              + actual
              + " instead of "
              + wireType
              + " near byte "
              + in.getTotalBytesRead()
              + ")");
    }
  }
}
