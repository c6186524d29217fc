package io.cairn.core.dataset;

import java.util.List;

/**
 * Who used a dataset version: the runs that logged it as an input (each with its context, such as
 * "training", or null), and the model versions registered from those runs.
 */
public record VersionUsage(List<RunUse> runs, List<ModelUse> modelVersions) {
  public VersionUsage {
    runs = List.copyOf(runs);
    modelVersions = List.copyOf(modelVersions);
  }

  public boolean isEmpty() {
    return runs.isEmpty() && modelVersions.isEmpty();
  }

  /** A run that logged the version as an input. */
  public record RunUse(String runId, String experimentId, String runName, String context) {}

  /** A registered model version whose run logged the version. */
  public record ModelUse(String name, long version, String runId) {}
}
