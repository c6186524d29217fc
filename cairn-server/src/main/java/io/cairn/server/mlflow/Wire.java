package io.cairn.server.mlflow;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.tracking.Dataset;
import io.cairn.core.tracking.DatasetInput;
import io.cairn.core.tracking.Experiment;
import io.cairn.core.tracking.LoggedModel;
import io.cairn.core.tracking.ModelOutput;
import io.cairn.core.tracking.Page;
import io.cairn.core.tracking.Param;
import io.cairn.core.tracking.Run;
import io.cairn.core.tracking.RunInfo;
import io.cairn.core.tracking.Tag;
import java.util.List;

/**
 * Domain records as MLflow's JSON: snake_case names, int64 as numbers, enums by name, experiment
 * ids as strings, NaN and infinities as the strings protobuf uses. Stateless.
 */
final class Wire {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Wire() {}

  /**
   * A page of results under {@code field}, with {@code next_page_token} only when there is more.
   */
  static <T> ObjectNode page(
      String field, Page<T> page, java.util.function.Function<T, ObjectNode> writer) {
    ObjectNode o = F.objectNode();
    ArrayNode list = o.putArray(field);
    page.items().forEach(item -> list.add(writer.apply(item)));
    if (page.nextPageToken() != null) {
      o.put("next_page_token", page.nextPageToken());
    }
    return o;
  }

  static ObjectNode experiment(Experiment e) {
    ObjectNode o = F.objectNode();
    o.put("experiment_id", e.experimentId());
    o.put("name", e.name());
    o.put("artifact_location", e.artifactLocation());
    o.put("lifecycle_stage", e.lifecycleStage().wire());
    o.put("last_update_time", e.lastUpdateTime());
    o.put("creation_time", e.creationTime());
    o.set("tags", tags(e.tags()));
    return o;
  }

  static ObjectNode runInfo(RunInfo i) {
    ObjectNode o = F.objectNode();
    o.put("run_id", i.runId());
    o.put("run_uuid", i.runId());
    o.put("run_name", i.runName());
    o.put("experiment_id", i.experimentId());
    o.put("user_id", i.userId());
    o.put("status", i.status().name());
    o.put("start_time", i.startTime());
    if (i.endTime() != null) {
      o.put("end_time", i.endTime());
    }
    o.put("artifact_uri", i.artifactUri());
    o.put("lifecycle_stage", i.lifecycleStage().wire());
    return o;
  }

  static ObjectNode run(Run r) {
    ObjectNode o = F.objectNode();
    o.set("info", runInfo(r.info()));
    ObjectNode data = o.putObject("data");
    data.putPOJO("metrics", new MetricList(r.metrics(), true));
    ArrayNode params = data.putArray("params");
    r.params().forEach(p -> params.add(param(p)));
    data.set("tags", tags(r.tags()));
    ObjectNode inputs = o.putObject("inputs");
    ArrayNode datasets = inputs.putArray("dataset_inputs");
    r.datasetInputs().forEach(d -> datasets.add(datasetInput(d)));
    ArrayNode models = inputs.putArray("model_inputs");
    r.modelInputs().forEach(id -> models.addObject().put("model_id", id));
    ArrayNode outputs = o.putObject("outputs").putArray("model_outputs");
    for (ModelOutput out : r.modelOutputs()) {
      outputs.addObject().put("model_id", out.modelId()).put("step", out.step());
    }
    return o;
  }

  static ObjectNode datasetInput(DatasetInput input) {
    ObjectNode o = F.objectNode();
    o.set("tags", tags(input.tags()));
    Dataset d = input.dataset();
    ObjectNode ds = o.putObject("dataset");
    ds.put("name", d.name());
    ds.put("digest", d.digest());
    ds.put("source_type", d.sourceType());
    ds.put("source", d.source());
    if (d.schema() != null) {
      ds.put("schema", d.schema());
    }
    if (d.profile() != null) {
      ds.put("profile", d.profile());
    }
    return o;
  }

  static ObjectNode param(Param p) {
    return F.objectNode().put("key", p.key()).put("value", p.value());
  }

  static ArrayNode tags(List<Tag> tags) {
    ArrayNode a = F.arrayNode();
    tags.forEach(t -> a.addObject().put("key", t.key()).put("value", t.value()));
    return a;
  }

  static ObjectNode loggedModel(LoggedModel m) {
    ObjectNode o = F.objectNode();
    ObjectNode info = o.putObject("info");
    info.put("model_id", m.modelId());
    info.put("experiment_id", m.experimentId());
    info.put("name", m.name());
    info.put("creation_timestamp_ms", m.creationTimestamp());
    info.put("last_updated_timestamp_ms", m.lastUpdatedTimestamp());
    info.put("artifact_uri", m.artifactUri());
    info.put("status", m.status().name());
    if (m.modelType() != null) {
      info.put("model_type", m.modelType());
    }
    if (m.sourceRunId() != null) {
      info.put("source_run_id", m.sourceRunId());
    }
    if (m.statusMessage() != null) {
      info.put("status_message", m.statusMessage());
    }
    info.set("tags", tags(m.tags()));
    ObjectNode data = o.putObject("data");
    ArrayNode params = data.putArray("params");
    m.params().forEach(p -> params.add(param(p)));
    data.putPOJO("metrics", new MetricList(m.metrics(), true));
    return o;
  }
}
