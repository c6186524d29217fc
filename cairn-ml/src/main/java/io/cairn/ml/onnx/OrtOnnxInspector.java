package io.cairn.ml.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.OnnxInspector;
import java.nio.file.Path;

/**
 * Describes an ONNX file by reading its protobuf header (names, element types and shapes as the
 * graph declares them, symbolic dimension names included; opsets; producer) and by loading it with
 * ONNX Runtime, which proves the model can actually be run and tells which declared inputs are real
 * inputs. The file is streamed (twice: once for the sha256, once for the header) and then loaded by
 * ONNX Runtime from its path; the loaded session is closed before {@link #inspect} returns.
 *
 * <p>Thread-safe: {@link #inspect} may be called from several threads at once. It uses the
 * process-wide {@link OrtEnvironment}, which nobody closes.
 *
 * <p>Errors are {@link CairnException}s only: INVALID_PARAMETER_VALUE when the file is not a
 * loadable ONNX model (empty, truncated, not ONNX, refused by ONNX Runtime; the message reads "NAME
 * is not a valid ONNX model: REASON."), RESOURCE_DOES_NOT_EXIST when there is no such file, and
 * INTERNAL_ERROR when it cannot be read.
 */
public final class OrtOnnxInspector implements OnnxInspector {
  public OrtOnnxInspector() {
    // ONNX Runtime's native library loads on the first inspection, not at server start.
  }

  @Override
  public OnnxDescription inspect(Path file) {
    ModelFile model = ModelFile.read(file);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      // Loading only: no need for a thread pool per core.
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      try (OrtSession session = model.open(env, options)) {
        return model.describe(session);
      }
    } catch (OrtException e) {
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR,
          "ONNX Runtime failed while inspecting " + model.name() + ": " + model.reason(e),
          e);
    }
  }
}
