package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.tracking.DatasetSummary;
import io.cairn.core.tracking.RunService;
import io.cairn.server.http.JsonApi;
import java.util.List;

/**
 * Calls MLflow serves only under {@code /ajax-api/2.0/mlflow}, for its UI: the metric histories of
 * several runs at once (get-history-bulk) and the datasets an experiment's runs used
 * (search-datasets).
 */
final class AjaxEndpoints {
  static final String PREFIX = "/ajax-api/2.0/mlflow";

  private final RunService runs;

  AjaxEndpoints(RunService runs) {
    this.runs = runs;
  }

  void register(JsonApi root) {
    JsonApi ajax = root.under(List.of(PREFIX));
    ajax.get(
        "/metrics/get-history-bulk",
        (f, ctx) -> {
          ObjectNode o = Wire.F.objectNode();
          o.putPOJO(
              "metrics",
              new MetricList(
                  runs.metricHistoryBulk(
                      f.strings("run_id"), f.string("metric_key"), f.intValue("max_results")),
                  true));
          return o;
        });
    ajax.post(
        "/experiments/search-datasets",
        (f, ctx) -> {
          List<DatasetSummary> found = runs.searchDatasets(f.strings("experiment_ids"));
          ObjectNode o = Wire.F.objectNode();
          // An empty list is left out, as MLflow's proto JSON leaves it out.
          if (!found.isEmpty()) {
            ArrayNode summaries = o.putArray("dataset_summaries");
            for (DatasetSummary d : found) {
              ObjectNode s =
                  summaries
                      .addObject()
                      .put("experiment_id", d.experimentId())
                      .put("name", d.name())
                      .put("digest", d.digest());
              if (d.context() != null) {
                s.put("context", d.context());
              }
            }
          }
          return o;
        });
  }
}
