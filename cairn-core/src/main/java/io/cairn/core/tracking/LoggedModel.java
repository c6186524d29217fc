package io.cairn.core.tracking;

import java.util.List;

/** An MLflow 3 logged model: a model's files, params and metrics, tied to the run that made it. */
public record LoggedModel(
    String modelId,
    String experimentId,
    String name,
    String artifactUri,
    long creationTimestamp,
    long lastUpdatedTimestamp,
    LoggedModelStatus status,
    String statusMessage,
    String modelType,
    String sourceRunId,
    LifecycleStage lifecycleStage,
    List<Tag> tags,
    List<Param> params,
    List<Metric> metrics) {
  public LoggedModel {
    tags = List.copyOf(tags);
    params = List.copyOf(params);
    metrics = List.copyOf(metrics);
  }
}
