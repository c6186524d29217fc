package io.cairn.core.tracking;

import io.cairn.core.search.Filter;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where MLflow 3 logged models are kept. Thread-safe; each method is one transaction. */
public interface LoggedModelStore {
  void createLoggedModel(LoggedModel model);

  /** The model, deleted ones included; callers decide whether a deleted model may be seen. */
  Optional<LoggedModel> getLoggedModel(String modelId);

  void updateLoggedModelStatus(String modelId, LoggedModelStatus status, String message, long now);

  void deleteLoggedModel(String modelId, long now);

  void setLoggedModelTags(String modelId, List<Tag> tags, long now);

  /**
   * Adds a registered model version to the model's {@code mlflow.modelVersions} tag (MLflow's JSON
   * list of {@code {"name", "version"}}), unless it lists it already; concurrent additions are all
   * kept.
   */
  void addModelVersion(String modelId, String name, long version);

  boolean deleteLoggedModelTag(String modelId, String key);

  void logLoggedModelParams(String modelId, List<Param> params);

  /**
   * Active models of the experiments matching the filter, in the given order, then newest first.
   * With {@code datasets}, metric comparisons look only at metrics logged on one of them, and
   * without metric comparisons a model needs a metric logged on one of them.
   */
  List<LoggedModel> searchLoggedModels(
      Collection<String> experimentIds,
      Filter filter,
      List<LoggedModelOrder> orderBy,
      List<MetricDataset> datasets,
      int limit,
      long offset);
}
