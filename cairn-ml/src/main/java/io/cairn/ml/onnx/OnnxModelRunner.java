package io.cairn.ml.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.TensorSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Runs one ONNX model with ONNX Runtime on tabular inputs: a matrix with one row per example, and
 * back come the labels and class probabilities (see {@link Predictions}). Meant for checking a
 * registered model: run it on the inputs another framework predicted for, and compare.
 *
 * <p>The model is loaded once, by {@link #open}, from its path. The runner owns the ONNX Runtime
 * session and its options, and {@link #close} frees them; the {@link OrtEnvironment} is the
 * process-wide one and is never closed. Tensors built for a call and the call's native results are
 * freed before the call returns: what it returns is plain Java values.
 *
 * <p>Thread-safe: {@code predict} may be called from several threads at once (ONNX Runtime runs a
 * session concurrently). {@link #close} waits for calls under way, and a call after it fails with
 * INVALID_STATE. Errors are {@link CairnException}s: INVALID_PARAMETER_VALUE for a file that is not
 * a loadable model or for inputs that do not fit it, RESOURCE_DOES_NOT_EXIST for a missing file,
 * INTERNAL_ERROR when ONNX Runtime fails for another reason.
 */
public final class OnnxModelRunner implements AutoCloseable {
  private final OrtEnvironment env;
  private final ModelFile model;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final OnnxDescription description;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxModelRunner(
      OrtEnvironment env, ModelFile model, OrtSession.SessionOptions options, OrtSession session) {
    this.env = env;
    this.model = model;
    this.options = options;
    this.session = session;
    this.description = model.describe(session);
  }

  /** Loads the model with ONNX Runtime's default number of threads. */
  public static OnnxModelRunner open(Path file) {
    return open(file, 0);
  }

  /**
   * Loads the model, running each call on at most {@code threads} threads (0: ONNX Runtime's
   * default, one per core).
   */
  public static OnnxModelRunner open(Path file, int threads) {
    if (threads < 0) {
      throw CairnException.invalid("threads must be at least 0, got %d", threads);
    }
    ModelFile model = ModelFile.read(file);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    OrtSession session = null;
    try {
      options.setIntraOpNumThreads(threads);
      session = model.open(env, options);
      return new OnnxModelRunner(env, model, options, session);
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session, options);
      if (e instanceof CairnException cairn) {
        throw cairn;
      }
      throw failure(model, "load", e);
    }
  }

  /** The model's description, read when it was opened. */
  public OnnxDescription description() {
    return description;
  }

  /** Predicts for a model with one input, from a matrix with one row per example. */
  public Predictions predict(float[][] features) {
    return predict(Map.of(singleInput(), features));
  }

  /** Predicts for a model with one input, from a matrix with one row per example. */
  public Predictions predict(double[][] features) {
    return predict(Map.of(singleInput(), features));
  }

  /**
   * Predicts from one matrix per input name ({@code float[][]}, {@code double[][]}, {@code
   * long[][]} or {@code String[][]}; float and double convert into each other), all with one row
   * per example.
   */
  public Predictions predict(Map<String, ?> inputs) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw CairnException.invalidState("The runner of %s is closed.", model.name());
      }
      int rows = inputs.isEmpty() ? 0 : InputTensors.rows(inputs.values().iterator().next());
      Map<String, OnnxTensor> tensors =
          InputTensors.create(env, model.name(), description.inputs(), inputs);
      try (OrtSession.Result result = session.run(tensors)) {
        return OutputValues.predictions(OutputValues.copy(result), rows);
      } finally {
        OnnxValue.close(tensors);
      }
    } catch (OrtException e) {
      throw failure(model, "run", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Frees the session; waits for calls under way. Closing twice does nothing. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(session, options);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private String singleInput() {
    if (description.inputs().size() != 1) {
      throw CairnException.invalid(
          "%s has %d inputs, so its inputs must be given by name.",
          model.name(), description.inputs().size());
    }
    TensorSpec input = description.inputs().get(0);
    return input.name();
  }

  private static CairnException failure(ModelFile model, String action, Exception e) {
    if (e instanceof OrtException ort
        && ort.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
      return CairnException.invalid(
          "ONNX Runtime refused the inputs of %s: %s.", model.name(), model.reason(ort));
    }
    String reason = e instanceof OrtException ort ? model.reason(ort) : String.valueOf(e);
    return new CairnException(
        ErrorCode.INTERNAL_ERROR,
        "ONNX Runtime failed to " + action + " " + model.name() + ": " + reason,
        e);
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options) {
    try {
      if (session != null) {
        session.close();
      }
    } catch (OrtException e) {
      // Nothing left to free that the caller could act on.
    } finally {
      options.close();
    }
  }
}
