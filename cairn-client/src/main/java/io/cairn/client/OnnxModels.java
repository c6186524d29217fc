package io.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.client.ModelRegistryClient.VersionInfo;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.error.CairnException;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.TensorSpec;
import io.cairn.ml.onnx.OnnxModelRunner;
import io.cairn.ml.onnx.OrtOnnxInspector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * ONNX models from Java: log one as a run artifact (with an MLflow {@code MLmodel} carrying its
 * signature, so MLflow clients can load it too) and register it in one call; load a registered
 * version and run it with ONNX Runtime. Thread-safe.
 */
public final class OnnxModels {
  private final CairnClient client;
  private final ModelRegistryClient registry;
  private final OrtOnnxInspector inspector = new OrtOnnxInspector();

  public OnnxModels(CairnClient client) {
    this.client = client;
    this.registry = new ModelRegistryClient(client);
  }

  /**
   * Uploads {@code onnxFile} as {@code <artifactPath>/model.onnx} of a run, beside an MLmodel file,
   * registers the model name if new, and creates a version from it. A file that is not a valid ONNX
   * model fails before anything is uploaded (INVALID_PARAMETER_VALUE).
   */
  public VersionInfo logAndRegister(String runId, Path onnxFile, String artifactPath, String name) {
    OnnxDescription description = inspector.inspect(onnxFile);
    JsonNode run = client.get("/api/2.0/mlflow/runs/get", "run_id", runId).path("run");
    ArtifactPath runRoot = ArtifactPath.fromStoreUri(run.at("/info/artifact_uri").asText());
    if (runRoot == null) {
      throw CairnException.invalid(
          "Run %s keeps its artifacts outside Cairn's store; cannot upload through the server",
          runId);
    }
    ArtifactPath dir = runRoot.resolve(ArtifactPath.parse(artifactPath));
    client.upload(dir + "/model.onnx", onnxFile);
    Path mlmodel = null;
    try {
      mlmodel = Files.createTempFile("MLmodel", ".yaml");
      Files.writeString(mlmodel, mlmodel(artifactPath, runId, description));
      client.upload(dir + "/MLmodel", mlmodel);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(mlmodel);
    }
    registry.getOrCreate(name);
    return registry.createVersion(name, "runs:/" + runId + "/" + artifactPath, runId, null);
  }

  /**
   * Downloads the ONNX file of a version (a number, or {@code @alias}) into {@code dir} and opens
   * it with ONNX Runtime. The caller closes the runner.
   */
  public OnnxModelRunner load(String name, String versionOrAlias, Path dir) {
    VersionInfo version = registry.resolve(name, versionOrAlias);
    JsonNode details = registry.details(name, version.version());
    JsonNode onnx = details.path("onnx");
    if (onnx.isEmpty()) {
      throw CairnException.invalid("Version %s of '%s' has no ONNX file", version.version(), name);
    }
    ArtifactPath location = ArtifactPath.fromStoreUri(details.path("storage_location").asText());
    String relative = onnx.get(0).path("path").asText();
    ArtifactPath file =
        location.name().toLowerCase(Locale.ROOT).endsWith(".onnx")
            ? location
            : location.resolve(ArtifactPath.parse(relative));
    Path local = dir.resolve(name + "-" + version.version() + "-" + file.name());
    client.download(file.toString(), local);
    return OnnxModelRunner.open(local);
  }

  /** An MLmodel file with the onnx and python_function flavors and a tensor signature. */
  static String mlmodel(String artifactPath, String runId, OnnxDescription d) {
    return "artifact_path: "
        + artifactPath
        + "\n"
        + "flavors:\n"
        + "  onnx:\n"
        + "    code: null\n"
        + "    data: model.onnx\n"
        + "    providers:\n"
        + "    - CPUExecutionProvider\n"
        + "  python_function:\n"
        + "    data: model.onnx\n"
        + "    loader_module: mlflow.onnx\n"
        + "model_uuid: "
        + UUID.randomUUID().toString().replace("-", "")
        + "\n"
        + "run_id: "
        + runId
        + "\n"
        + "signature:\n"
        + "  inputs: '"
        + signature(d.inputs())
        + "'\n"
        + "  outputs: '"
        + signature(d.outputs())
        + "'\n";
  }

  private static String signature(List<TensorSpec> specs) {
    List<String> items = new ArrayList<>();
    for (TensorSpec t : specs) {
      if (t.shape() == null) {
        continue; // sequences and maps have no MLflow tensor spec
      }
      List<String> dims = new ArrayList<>();
      for (String dim : t.shape()) {
        dims.add(dim.matches("\\d+") ? dim : "-1");
      }
      items.add(
          "{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \""
              + numpyType(t.elementType())
              + "\", \"shape\": ["
              + String.join(", ", dims)
              + "]}, \"name\": \""
              + t.name()
              + "\"}");
    }
    return "[" + String.join(", ", items) + "]";
  }

  private static String numpyType(String onnxType) {
    return switch (onnxType) {
      case "float" -> "float32";
      case "double" -> "float64";
      case "string" -> "str";
      case "bool" -> "bool";
      default -> onnxType;
    };
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary file left behind is harmless
      }
    }
  }
}
