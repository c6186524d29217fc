package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.registry.ModelVersion;
import io.cairn.core.registry.RegistryService;
import io.cairn.core.tracking.Tag;
import io.cairn.server.http.JsonApi;
import java.util.List;

/** MLflow's model registry endpoints. */
final class RegistryEndpoints {
  private final RegistryService registry;

  RegistryEndpoints(RegistryService registry) {
    this.registry = registry;
  }

  void register(JsonApi api) {
    api.post(
        "/registered-models/create",
        (f, ctx) ->
            model(
                registry.create(
                    Workspace.of(ctx),
                    f.requiredString("name"),
                    f.string("description"),
                    null,
                    ExperimentEndpoints.tags(f))));
    api.get(
        "/registered-models/get",
        (f, ctx) -> model(registry.get(Workspace.of(ctx), f.requiredString("name"))));
    api.post(
        "/registered-models/rename",
        (f, ctx) ->
            model(
                registry.rename(
                    Workspace.of(ctx), f.requiredString("name"), f.requiredString("new_name"))));
    api.patch(
        "/registered-models/update",
        (f, ctx) ->
            model(
                registry.update(
                    Workspace.of(ctx), f.requiredString("name"), f.string("description"))));
    api.delete(
        "/registered-models/delete",
        (f, ctx) -> {
          registry.delete(Workspace.of(ctx), f.requiredString("name"));
          return Wire.F.objectNode();
        });
    JsonApi.Endpoint searchModels =
        (f, ctx) ->
            Wire.page(
                "registered_models",
                registry.search(
                    Workspace.of(ctx),
                    f.string("filter"),
                    f.strings("order_by"),
                    f.intValue("max_results"),
                    f.string("page_token")),
                RegistryWire::model);
    api.get("/registered-models/search", searchModels);
    api.post("/registered-models/search", searchModels);
    JsonApi.Endpoint latest =
        (f, ctx) ->
            versions(
                registry.latestVersions(
                    Workspace.of(ctx), f.requiredString("name"), f.strings("stages")));
    api.post("/registered-models/get-latest-versions", latest);
    api.get("/registered-models/get-latest-versions", latest);
    api.post(
        "/registered-models/set-tag",
        (f, ctx) -> {
          registry.setTag(
              Workspace.of(ctx),
              f.requiredString("name"),
              new Tag(f.requiredString("key"), f.string("value")));
          return Wire.F.objectNode();
        });
    api.delete(
        "/registered-models/delete-tag",
        (f, ctx) -> {
          registry.deleteTag(Workspace.of(ctx), f.requiredString("name"), f.requiredString("key"));
          return Wire.F.objectNode();
        });
    api.post(
        "/registered-models/alias",
        (f, ctx) -> {
          registry.setAlias(
              Workspace.of(ctx),
              f.requiredString("name"),
              f.requiredString("alias"),
              f.requiredString("version"));
          return Wire.F.objectNode();
        });
    api.delete(
        "/registered-models/alias",
        (f, ctx) -> {
          registry.deleteAlias(
              Workspace.of(ctx), f.requiredString("name"), f.requiredString("alias"));
          return Wire.F.objectNode();
        });
    api.get(
        "/registered-models/alias",
        (f, ctx) ->
            version(
                registry.getByAlias(
                    Workspace.of(ctx), f.requiredString("name"), f.requiredString("alias"))));

    api.post(
        "/model-versions/create",
        (f, ctx) ->
            version(
                registry.createVersion(
                    Workspace.of(ctx),
                    f.requiredString("name"),
                    f.requiredString("source"),
                    f.string("run_id"),
                    f.string("run_link"),
                    f.string("model_id"),
                    f.string("description"),
                    null,
                    ExperimentEndpoints.tags(f))));
    api.get(
        "/model-versions/get",
        (f, ctx) ->
            version(
                registry.getVersion(
                    Workspace.of(ctx), f.requiredString("name"), f.requiredString("version"))));
    api.patch(
        "/model-versions/update",
        (f, ctx) ->
            version(
                registry.updateVersion(
                    Workspace.of(ctx),
                    f.requiredString("name"),
                    f.requiredString("version"),
                    f.string("description"))));
    api.post(
        "/model-versions/transition-stage",
        (f, ctx) ->
            version(
                registry.transition(
                    Workspace.of(ctx),
                    f.requiredString("name"),
                    f.requiredString("version"),
                    f.requiredString("stage"),
                    f.bool("archive_existing_versions"))));
    api.delete(
        "/model-versions/delete",
        (f, ctx) -> {
          registry.deleteVersion(
              Workspace.of(ctx), f.requiredString("name"), f.requiredString("version"));
          return Wire.F.objectNode();
        });
    JsonApi.Endpoint searchVersions =
        (f, ctx) ->
            Wire.page(
                "model_versions",
                registry.searchVersions(
                    Workspace.of(ctx),
                    f.string("filter"),
                    f.strings("order_by"),
                    f.intValue("max_results"),
                    f.string("page_token")),
                RegistryWire::version);
    api.get("/model-versions/search", searchVersions);
    api.post("/model-versions/search", searchVersions);
    api.get(
        "/model-versions/get-download-uri",
        (f, ctx) ->
            Wire.F.objectNode()
                .put(
                    "artifact_uri",
                    registry
                        .getVersion(
                            Workspace.of(ctx),
                            f.requiredString("name"),
                            f.requiredString("version"))
                        .storageLocation()));
    api.post(
        "/model-versions/set-tag",
        (f, ctx) -> {
          registry.setVersionTag(
              Workspace.of(ctx),
              f.requiredString("name"),
              f.requiredString("version"),
              new Tag(f.requiredString("key"), f.string("value")));
          return Wire.F.objectNode();
        });
    api.delete(
        "/model-versions/delete-tag",
        (f, ctx) -> {
          registry.deleteVersionTag(
              Workspace.of(ctx),
              f.requiredString("name"),
              f.requiredString("version"),
              f.requiredString("key"));
          return Wire.F.objectNode();
        });
  }

  private static ObjectNode model(io.cairn.core.registry.RegisteredModel m) {
    ObjectNode o = Wire.F.objectNode();
    o.set("registered_model", RegistryWire.model(m));
    return o;
  }

  static ObjectNode version(ModelVersion v) {
    ObjectNode o = Wire.F.objectNode();
    o.set("model_version", RegistryWire.version(v));
    return o;
  }

  private static ObjectNode versions(List<ModelVersion> list) {
    ObjectNode o = Wire.F.objectNode();
    ArrayNode a = o.putArray("model_versions");
    list.forEach(v -> a.add(RegistryWire.version(v)));
    return o;
  }
}
