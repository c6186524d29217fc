package io.cairn.core.tracking;

import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Where experiments are kept. Implementations are thread-safe; each method is one transaction.
 * Uniqueness of names within a workspace is enforced by the store itself (the database), so several
 * servers may share one store. Errors: RESOURCE_ALREADY_EXISTS for a taken name,
 * TEMPORARILY_UNAVAILABLE when the database cannot be reached.
 */
public interface ExperimentStore {
  /**
   * Creates an experiment and returns its id. When {@code artifactLocation} is null the location is
   * {@code defaultLocation} applied to the new id.
   */
  String createExperiment(
      String workspace,
      String name,
      String artifactLocation,
      LongFunction<String> defaultLocation,
      List<Tag> tags,
      long now);

  Optional<Experiment> getExperiment(String experimentId);

  Optional<Experiment> getExperimentByName(String workspace, String name);

  /**
   * Experiments matching the filter, in order, from {@code offset}; one more than asked tells of a
   * next page.
   */
  List<Experiment> searchExperiments(
      String workspace,
      ViewType viewType,
      Filter filter,
      List<OrderBy> orderBy,
      int limit,
      long offset);

  void renameExperiment(String experimentId, String newName, long now);

  /** Marks the experiment and its runs deleted (or active again). */
  void setExperimentLifecycle(String experimentId, LifecycleStage stage, long now);

  void setExperimentTag(String experimentId, Tag tag, long now);

  /** Returns false when the tag did not exist. */
  boolean deleteExperimentTag(String experimentId, String key);
}
