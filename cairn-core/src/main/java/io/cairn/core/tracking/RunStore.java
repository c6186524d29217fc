package io.cairn.core.tracking;

import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Where runs and everything logged to them are kept. Thread-safe; each method is one transaction,
 * so a batch is stored whole or not at all. Params never change once logged: logging a different
 * value for a key fails with INVALID_PARAMETER_VALUE and stores nothing of the batch.
 */
public interface RunStore {
  void createRun(RunInfo info, List<Tag> tags);

  Optional<Run> getRun(String runId);

  /** The run's attributes alone, without its data; cheap, for checks before writes. */
  Optional<RunInfo> getRunInfo(String runId);

  void updateRun(String runId, RunStatus status, Long endTime, String runName);

  void setRunLifecycle(String runId, LifecycleStage stage, long now);

  /**
   * Stores metrics, params and tags in one transaction, and updates each metric's latest, minimum
   * and maximum. Metrics carrying a {@code modelId} are also recorded on that logged model.
   */
  void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags);

  boolean deleteTag(String runId, String key);

  /**
   * Up to {@code limit} runs in the search's order, skipping {@code offset} of them, or starting
   * after {@code after} (then {@code offset} is 0 and the order is the one metric {@link
   * RunCursor#fits}).
   */
  List<Run> searchRuns(
      Collection<String> experimentIds,
      ViewType viewType,
      Filter filter,
      List<OrderBy> orderBy,
      int limit,
      long offset,
      RunCursor after);

  /** Points of one metric ordered by step, timestamp and value. */
  /**
   * A page of a metric's history ordered by step, timestamp, value and NaN flag: after {@code
   * cursor} when given, else skipping {@code offset} points.
   */
  List<Metric> getMetricHistory(
      String runId, String key, int limit, long offset, HistoryCursor cursor);

  /**
   * Per run, the points of one metric with {@code startStep <= step <= endStep} (null: no bound),
   * downsampled: every point at the steps MLflow's get-history-bulk-interval chooses (up to {@code
   * maxPoints} + 1 evenly spaced steps of all the runs, plus each run's first and last step), and
   * on top the first, last, lowest and highest point of each of Cairn's step buckets (at most
   * {@code maxPoints} more). Ordered by run as given, then step, timestamp and value.
   */
  List<Metric> getMetricHistorySampled(
      Collection<String> runIds, String key, Long startStep, Long endStep, int maxPoints);

  /**
   * The points of one metric for several runs, ordered by run id, then timestamp, step and value
   * (MLflow's get-history-bulk order), at most {@code limit} in all. Unknown run ids have none.
   */
  List<Metric> getMetricHistoryBulk(Collection<String> runIds, String key, int limit);

  /**
   * The distinct (experiment, dataset name, digest, input context) of the runs of these
   * experiments, at most {@code limit}; ordered by experiment, name, digest and context.
   */
  List<DatasetSummary> searchDatasetSummaries(Collection<Long> experimentIds, int limit);

  /**
   * Records a run's inputs in one transaction. {@code links} has one entry per dataset input: the
   * Cairn dataset version its source names, or null; a named version that does not exist in the
   * run's workspace is RESOURCE_DOES_NOT_EXIST and nothing is written.
   */
  void logInputs(
      String runId,
      List<DatasetInput> datasets,
      List<io.cairn.core.dataset.DatasetRef> links,
      List<String> modelIds);

  void logOutputs(String runId, List<ModelOutput> outputs);
}
