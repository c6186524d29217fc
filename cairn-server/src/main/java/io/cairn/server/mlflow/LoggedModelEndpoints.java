package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.search.OrderBy;
import io.cairn.core.search.SearchParser;
import io.cairn.core.search.SearchSchema;
import io.cairn.core.tracking.LoggedModel;
import io.cairn.core.tracking.LoggedModelOrder;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.LoggedModelStatus;
import io.cairn.core.tracking.MetricDataset;
import io.cairn.core.tracking.Page;
import io.cairn.core.tracking.Param;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import java.util.ArrayList;
import java.util.List;

/** MLflow 3's logged-model endpoints. */
final class LoggedModelEndpoints {
  private final LoggedModelService models;
  private final ArtifactEndpoints artifacts;

  LoggedModelEndpoints(LoggedModelService models, ArtifactEndpoints artifacts) {
    this.models = models;
    this.artifacts = artifacts;
  }

  void register(JsonApi api) {
    api.post(
        "/logged-models",
        (f, ctx) ->
            answer(
                models.create(
                    f.requiredString("experiment_id"),
                    f.string("name"),
                    f.string("model_type"),
                    f.string("source_run_id"),
                    params(f),
                    ExperimentEndpoints.tags(f))));
    api.get(
        "/logged-models/{model_id}",
        (f, ctx) -> answer(models.get(ctx.pathParam("model_id"), f.bool("allow_deleted"))));
    api.patch(
        "/logged-models/{model_id}",
        (f, ctx) -> {
          String status = f.requiredString("status");
          return answer(
              models.finalizeModel(ctx.pathParam("model_id"), LoggedModelStatus.parse(status)));
        });
    api.delete(
        "/logged-models/{model_id}",
        (f, ctx) -> {
          models.delete(ctx.pathParam("model_id"));
          return Wire.F.objectNode();
        });
    api.patch(
        "/logged-models/{model_id}/tags",
        (f, ctx) -> {
          models.setTags(ctx.pathParam("model_id"), ExperimentEndpoints.tags(f));
          return Wire.F.objectNode();
        });
    api.delete(
        "/logged-models/{model_id}/tags/<tag_key>",
        (f, ctx) -> {
          models.deleteTag(ctx.pathParam("model_id"), ctx.pathParam("tag_key"));
          return Wire.F.objectNode();
        });
    api.post(
        "/logged-models/{model_id}/params",
        (f, ctx) -> {
          models.logParams(ctx.pathParam("model_id"), params(f));
          return Wire.F.objectNode();
        });
    api.post(
        "/logged-models/search",
        (f, ctx) -> {
          List<LoggedModelOrder> order = new ArrayList<>();
          for (Fields o : f.objects("order_by")) {
            OrderBy parsed =
                SearchParser.parseOrderBy(
                    o.requiredString("field_name"), SearchSchema.LOGGED_MODELS);
            boolean ascending = !o.has("ascending") || o.bool("ascending");
            order.add(
                new LoggedModelOrder(
                    new OrderBy(parsed.identifier(), ascending),
                    o.string("dataset_name"),
                    o.string("dataset_digest")));
          }
          List<MetricDataset> datasets =
              f.objects("datasets").stream()
                  .map(d -> new MetricDataset(d.string("dataset_name"), d.string("dataset_digest")))
                  .toList();
          Page<LoggedModel> page =
              models.search(
                  f.strings("experiment_ids"),
                  f.string("filter"),
                  order,
                  datasets,
                  f.intValue("max_results"),
                  f.string("page_token"));
          return Wire.page("models", page, Wire::loggedModel);
        });
    api.get(
        "/logged-models/{model_id}/artifacts/directories",
        (f, ctx) -> {
          LoggedModel model = models.get(ctx.pathParam("model_id"), true);
          return artifacts.listUnder(model.artifactUri(), f.string("artifact_directory_path"));
        });
  }

  private static List<Param> params(Fields f) {
    return f.objects("params").stream()
        .map(p -> new Param(p.requiredString("key"), p.string("value")))
        .toList();
  }

  private static ObjectNode answer(LoggedModel model) {
    ObjectNode o = Wire.F.objectNode();
    o.set("model", Wire.loggedModel(model));
    return o;
  }
}
