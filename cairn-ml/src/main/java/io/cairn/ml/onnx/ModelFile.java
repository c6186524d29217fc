package io.cairn.ml.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.TensorSpec;
import io.cairn.ml.onnx.ModelProtoReader.Header;
import io.cairn.ml.onnx.ModelProtoReader.ModelFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An ONNX file as the inspector and the runner see it: checked, measured, digested and its header
 * read before ONNX Runtime is asked to load it, so that a broken file gets a precise message.
 * Messages name the file by its file name only, never by its full path.
 */
record ModelFile(Path path, String name, long size, String sha256, Header header) {
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final int MAX_REASON_LENGTH = 300;

  /**
   * @throws CairnException RESOURCE_DOES_NOT_EXIST if there is no such file,
   *     INVALID_PARAMETER_VALUE if it is not an ONNX model, INTERNAL_ERROR if it cannot be read
   */
  static ModelFile read(Path path) {
    String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    if (!Files.exists(path)) {
      throw new CairnException(ErrorCode.RESOURCE_DOES_NOT_EXIST, name + " does not exist.");
    }
    if (!Files.isRegularFile(path)) {
      throw invalid(name, "it is not a regular file");
    }
    try {
      long size = Files.size(path);
      if (size == 0) {
        throw invalid(name, "the file is empty");
      }
      if (size > Integer.MAX_VALUE) {
        throw invalid(name, "it is larger than 2 GiB, the most a protobuf model can be");
      }
      String sha256 = sha256(path);
      Header header;
      try (InputStream in = Files.newInputStream(path)) {
        header = ModelProtoReader.read(in, size);
      }
      if (!header.hasGraph()) {
        throw invalid(name, "it has no graph");
      }
      if (header.irVersion() <= 0) {
        throw invalid(name, "it declares no IR version");
      }
      return new ModelFile(path, name, size, sha256, header);
    } catch (ModelFormatException e) {
      throw invalid(name, e.getMessage());
    } catch (IOException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "Could not read " + name + ".", e);
    }
  }

  /**
   * Loads the file into a new session, which the caller closes.
   *
   * @throws CairnException INVALID_PARAMETER_VALUE if ONNX Runtime cannot load it
   */
  OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) {
    try {
      return env.createSession(path.toString(), options);
    } catch (OrtException e) {
      throw invalid(name, "ONNX Runtime cannot load it (" + reason(e) + ")");
    }
  }

  /**
   * The description of this file loaded in {@code session}: the inputs and outputs ONNX Runtime has
   * (a graph input that is really an initializer is not one), as the graph declares them.
   */
  OnnxDescription describe(OrtSession session) {
    try {
      return new OnnxDescription(
          specs(session.getInputInfo(), header.inputs()),
          specs(session.getOutputInfo(), header.outputs()),
          header.opsetImports(),
          header.irVersion(),
          header.producerName(),
          header.producerVersion(),
          header.graphName(),
          header.nodeCount(),
          size,
          sha256);
    } catch (OrtException e) {
      throw invalid(
          name, "ONNX Runtime cannot describe its inputs and outputs (" + reason(e) + ")");
    }
  }

  private static List<TensorSpec> specs(
      Map<String, NodeInfo> loaded, Map<String, TensorSpec> declared) {
    List<TensorSpec> specs = new ArrayList<>(loaded.size());
    for (NodeInfo node : loaded.values()) {
      TensorSpec spec = declared.get(node.getName());
      specs.add(spec != null ? spec : ElementTypes.spec(node));
    }
    return specs;
  }

  static CairnException invalid(String name, String reason) {
    return CairnException.invalid("%s is not a valid ONNX model: %s.", name, reason);
  }

  /**
   * ONNX Runtime's error code and the first sentence of its message, on one line, without the
   * file's path or the C++ source location it quotes.
   */
  String reason(OrtException e) {
    String message = String.valueOf(e.getMessage());
    message =
        message.replace(path.toAbsolutePath().toString(), name).replace(path.toString(), name);
    message = message.replaceFirst("^Error code - \\S+ - message: ", "");
    message = message.replaceFirst("^Load model from .*? failed:", "");
    message = message.replaceAll("\\S+\\.(?:cc|cpp|h):\\d+ \\S+\\([^)]*\\)", "");
    message = message.replaceAll("\\s+", " ").strip();
    int sentenceEnd = message.indexOf(". ");
    if (sentenceEnd > 0) {
      message = message.substring(0, sentenceEnd);
    }
    if (message.length() > MAX_REASON_LENGTH) {
      message = message.substring(0, MAX_REASON_LENGTH) + "...";
    }
    while (message.endsWith(".")) {
      message = message.substring(0, message.length() - 1);
    }
    return e.getCode() + ": " + message;
  }

  private static String sha256(Path path) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    byte[] buffer = new byte[BUFFER_SIZE];
    try (InputStream in = Files.newInputStream(path)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
