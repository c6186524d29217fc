package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.tracking.Dataset;
import io.cairn.core.tracking.DatasetInput;
import io.cairn.core.tracking.Metric;
import io.cairn.core.tracking.ModelOutput;
import io.cairn.core.tracking.Page;
import io.cairn.core.tracking.Param;
import io.cairn.core.tracking.Run;
import io.cairn.core.tracking.RunService;
import io.cairn.core.tracking.RunStatus;
import io.cairn.core.tracking.Tag;
import io.cairn.core.tracking.ViewType;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import java.util.List;

/** MLflow's run, logging and metric-history endpoints. */
final class RunEndpoints {
  private final RunService runs;

  RunEndpoints(RunService runs) {
    this.runs = runs;
  }

  void register(JsonApi api) {
    api.post(
        "/runs/create",
        (f, ctx) ->
            runAnswer(
                runs.create(
                    f.string("experiment_id"),
                    f.string("user_id"),
                    f.longValue("start_time"),
                    f.string("run_name"),
                    ExperimentEndpoints.tags(f))));
    api.get("/runs/get", (f, ctx) -> runAnswer(runs.get(runId(f))));
    api.post(
        "/runs/update",
        (f, ctx) -> {
          String status = f.string("status");
          ObjectNode o = Wire.F.objectNode();
          o.set(
              "run_info",
              Wire.runInfo(
                  runs.update(
                      runId(f),
                      status == null ? null : RunStatus.parse(status),
                      f.longValue("end_time"),
                      f.string("run_name"))));
          return o;
        });
    api.post(
        "/runs/delete",
        (f, ctx) -> {
          runs.delete(runId(f));
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/restore",
        (f, ctx) -> {
          runs.restore(runId(f));
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/log-metric",
        (f, ctx) -> {
          runs.logBatch(runId(f), List.of(metric(f)), List.of(), List.of());
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/log-parameter",
        (f, ctx) -> {
          runs.logBatch(
              runId(f),
              List.of(),
              List.of(new Param(f.requiredString("key"), f.string("value"))),
              List.of());
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/set-tag",
        (f, ctx) -> {
          runs.logBatch(
              runId(f),
              List.of(),
              List.of(),
              List.of(new Tag(f.requiredString("key"), f.string("value"))));
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/log-batch",
        (f, ctx) -> {
          List<Metric> metrics = f.objects("metrics").stream().map(RunEndpoints::metric).toList();
          List<Param> params =
              f.objects("params").stream()
                  .map(p -> new Param(p.requiredString("key"), p.string("value")))
                  .toList();
          runs.logBatch(runId(f), metrics, params, ExperimentEndpoints.tags(f));
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/delete-tag",
        (f, ctx) -> {
          runs.deleteTag(runId(f), f.requiredString("key"));
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/search",
        (f, ctx) -> {
          Page<Run> page =
              runs.search(
                  f.strings("experiment_ids"),
                  ViewType.parse(f.string("run_view_type")),
                  f.string("filter"),
                  f.strings("order_by"),
                  f.intValue("max_results"),
                  f.string("page_token"));
          return Wire.page("runs", page, Wire::run);
        });
    api.post(
        "/runs/log-inputs",
        (f, ctx) -> {
          List<DatasetInput> datasets =
              f.objects("datasets").stream().map(RunEndpoints::datasetInput).toList();
          List<String> models =
              f.objects("models").stream().map(m -> m.requiredString("model_id")).toList();
          runs.logInputs(runId(f), datasets, models);
          return Wire.F.objectNode();
        });
    api.post(
        "/runs/outputs",
        (f, ctx) -> {
          List<ModelOutput> outputs =
              f.objects("models").stream()
                  .map(
                      m ->
                          new ModelOutput(
                              m.requiredString("model_id"), orZero(m.longValue("step"))))
                  .toList();
          runs.logOutputs(runId(f), outputs);
          return Wire.F.objectNode();
        });
    api.get(
        "/metrics/get-history",
        (f, ctx) -> {
          Page<Metric> page =
              runs.metricHistory(
                  runId(f),
                  f.requiredString("metric_key"),
                  f.intValue("max_results"),
                  f.string("page_token"));
          ObjectNode o = Wire.F.objectNode();
          o.putPOJO("metrics", new MetricList(page.items(), false));
          if (page.nextPageToken() != null) {
            o.put("next_page_token", page.nextPageToken());
          }
          return o;
        });
    api.get(
        "/metrics/get-history-bulk-interval",
        (f, ctx) ->
            metricsAnswer(
                runs.metricHistoryBulkInterval(
                    f.strings("run_ids"),
                    f.requiredString("metric_key"),
                    f.longValue("start_step"),
                    f.longValue("end_step"),
                    f.intValue("max_results"))));
  }

  private static ObjectNode metricsAnswer(List<Metric> metrics) {
    ObjectNode o = Wire.F.objectNode();
    o.putPOJO("metrics", new MetricList(metrics, true));
    return o;
  }

  static String runId(Fields f) {
    return f.requiredEither("run_id", "run_uuid");
  }

  private static ObjectNode runAnswer(Run run) {
    ObjectNode o = Wire.F.objectNode();
    o.set("run", Wire.run(run));
    return o;
  }

  private static Metric metric(Fields f) {
    String key = f.requiredString("key");
    Double value = f.doubleValue("value");
    if (value == null) {
      f.requiredString("value");
    }
    Long timestamp = f.requiredLong("timestamp");
    return new Metric(
        key,
        value,
        timestamp,
        orZero(f.longValue("step")),
        null,
        f.string("model_id"),
        f.string("dataset_name"),
        f.string("dataset_digest"));
  }

  private static DatasetInput datasetInput(Fields f) {
    List<Tag> tags = ExperimentEndpoints.tags(f);
    Fields d = f.object("dataset");
    if (d == null) {
      f.requiredString("dataset");
    }
    return new DatasetInput(
        tags,
        new Dataset(
            d.requiredString("name"),
            d.requiredString("digest"),
            d.requiredString("source_type"),
            d.requiredString("source"),
            d.string("schema"),
            d.string("profile")));
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }
}
