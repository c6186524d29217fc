package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.tracking.Experiment;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.Page;
import io.cairn.core.tracking.Tag;
import io.cairn.core.tracking.ViewType;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import java.util.List;

/** MLflow's experiment endpoints. */
final class ExperimentEndpoints {
  private final ExperimentService experiments;

  ExperimentEndpoints(ExperimentService experiments) {
    this.experiments = experiments;
  }

  void register(JsonApi api) {
    api.post(
        "/experiments/create",
        (f, ctx) -> {
          String id =
              experiments.create(
                  Workspace.of(ctx),
                  f.requiredString("name"),
                  f.string("artifact_location"),
                  tags(f));
          return Wire.F.objectNode().put("experiment_id", id);
        });
    api.get(
        "/experiments/get",
        (f, ctx) -> experimentAnswer(experiments.get(f.requiredString("experiment_id"))));
    api.get(
        "/experiments/get-by-name",
        (f, ctx) ->
            experimentAnswer(
                experiments.getByName(Workspace.of(ctx), f.requiredString("experiment_name"))));
    JsonApi.Endpoint search =
        (f, ctx) -> {
          Page<Experiment> page =
              experiments.search(
                  Workspace.of(ctx),
                  ViewType.parse(f.string("view_type")),
                  f.string("filter"),
                  f.strings("order_by"),
                  f.intValue("max_results"),
                  f.string("page_token"));
          return Wire.page("experiments", page, Wire::experiment);
        };
    api.post("/experiments/search", search);
    api.get("/experiments/search", search);
    api.post(
        "/experiments/update",
        (f, ctx) -> {
          experiments.rename(f.requiredString("experiment_id"), f.requiredString("new_name"));
          return Wire.F.objectNode();
        });
    api.post(
        "/experiments/delete",
        (f, ctx) -> {
          experiments.delete(f.requiredString("experiment_id"));
          return Wire.F.objectNode();
        });
    api.post(
        "/experiments/restore",
        (f, ctx) -> {
          experiments.restore(f.requiredString("experiment_id"));
          return Wire.F.objectNode();
        });
    api.post(
        "/experiments/set-experiment-tag",
        (f, ctx) -> {
          experiments.setTag(
              f.requiredString("experiment_id"),
              new Tag(f.requiredString("key"), f.string("value")));
          return Wire.F.objectNode();
        });
    api.post(
        "/experiments/delete-experiment-tag",
        (f, ctx) -> {
          experiments.deleteTag(f.requiredString("experiment_id"), f.requiredString("key"));
          return Wire.F.objectNode();
        });
  }

  private static ObjectNode experimentAnswer(Experiment e) {
    ObjectNode o = Wire.F.objectNode();
    o.set("experiment", Wire.experiment(e));
    return o;
  }

  static List<Tag> tags(Fields f) {
    return f.objects("tags").stream()
        .map(t -> new Tag(t.requiredString("key"), t.string("value")))
        .toList();
  }
}
