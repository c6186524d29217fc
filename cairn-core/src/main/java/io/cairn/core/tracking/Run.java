package io.cairn.core.tracking;

import java.util.List;

/**
 * A run with everything logged to it: {@code metrics} holds the latest value of each key, as
 * MLflow's RunData does.
 */
public record Run(
    RunInfo info,
    List<Metric> metrics,
    List<Param> params,
    List<Tag> tags,
    List<DatasetInput> datasetInputs,
    List<String> modelInputs,
    List<ModelOutput> modelOutputs) {
  public Run {
    metrics = List.copyOf(metrics);
    params = List.copyOf(params);
    tags = List.copyOf(tags);
    datasetInputs = List.copyOf(datasetInputs);
    modelInputs = List.copyOf(modelInputs);
    modelOutputs = List.copyOf(modelOutputs);
  }
}
