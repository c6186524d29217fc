package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.registry.ModelVersion;
import io.cairn.core.registry.RegistryService;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.Run;
import io.cairn.core.tracking.RunService;
import io.cairn.server.http.JsonApi;
import java.util.Optional;

/**
 * Cairn's own view of a model version: what MLflow returns, plus the ONNX inspection and the
 * lineage (the run that made it, its params and metrics, and the datasets it trained on) in one
 * call: {@code GET /api/cairn/v1/registered-models/{name}/versions/{version}}, where the version
 * may also be {@code @alias}. {@code lineage.run.resolved} says whether this server holds the run:
 * when it does not, {@code lineage.run} is only its id, with a message, and there are no datasets.
 */
final class ModelVersionDetails {
  private final RegistryService registry;
  private final RunService runs;
  private final LoggedModelService loggedModels;

  ModelVersionDetails(RegistryService registry, RunService runs, LoggedModelService loggedModels) {
    this.registry = registry;
    this.runs = runs;
    this.loggedModels = loggedModels;
  }

  void register(JsonApi cairnApi) {
    cairnApi.get(
        "/registered-models/{name}/versions/{version}",
        (f, ctx) -> {
          String name = ctx.pathParam("name");
          String version = ctx.pathParam("version");
          ModelVersion v =
              version.startsWith("@")
                  ? registry.getByAlias(Workspace.of(ctx), name, version.substring(1))
                  : registry.getVersion(Workspace.of(ctx), name, version);
          return describe(v);
        });
  }

  ObjectNode describe(ModelVersion v) {
    ObjectNode o = Wire.F.objectNode();
    o.set("model_version", RegistryWire.version(v));
    o.put("storage_location", v.storageLocation());
    o.set("onnx", RegistryWire.onnx(v.onnx()));
    ObjectNode lineage = o.putObject("lineage");
    if (v.modelId() != null) {
      lineage.set("logged_model", Wire.loggedModel(loggedModels.get(v.modelId(), true)));
    }
    if (v.runId() != null) {
      Optional<Run> found = runs.find(v.runId());
      if (found.isPresent()) {
        ObjectNode run = Wire.run(found.get());
        run.put("resolved", true);
        lineage.set("run", run);
        ArrayNode datasets = lineage.putArray("datasets");
        found.get().datasetInputs().forEach(d -> datasets.add(Wire.datasetInput(d)));
      } else {
        lineage
            .putObject("run")
            .put("run_id", v.runId())
            .put("resolved", false)
            .put(
                "message",
                "Run "
                    + v.runId()
                    + " is not on this server (the version may have been registered from another"
                    + " server, or its run purged): its params, metrics and datasets are unknown.");
      }
    }
    return o;
  }
}
