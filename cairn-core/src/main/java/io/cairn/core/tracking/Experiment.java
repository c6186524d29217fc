package io.cairn.core.tracking;

import java.util.List;

/** An experiment: a named group of runs and logged models in one workspace. */
public record Experiment(
    String experimentId,
    String workspace,
    String name,
    String artifactLocation,
    LifecycleStage lifecycleStage,
    long creationTime,
    long lastUpdateTime,
    List<Tag> tags) {
  public Experiment {
    tags = List.copyOf(tags);
  }
}
