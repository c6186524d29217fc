package io.cairn.core.tracking;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.search.PageToken;
import io.cairn.core.search.SearchParser;
import io.cairn.core.search.SearchSchema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules for runs and what is logged to them, in front of a {@link RunStore}. Every logging call
 * goes through {@link #logBatch}, one code path to keep correct and fast. Thread-safe.
 */
public final class RunService {
  public static final String RUN_NAME_TAG = "mlflow.runName";
  public static final String USER_TAG = "mlflow.user";
  public static final int SEARCH_DEFAULT = 1000;
  public static final int SEARCH_LIMIT = 50000;
  public static final int BULK_MAX_RUNS = 100;
  public static final int BULK_MAX_RESULTS = 2500;
  public static final int HISTORY_BULK_MAX_RUNS = 100;
  public static final int HISTORY_BULK_MAX_RESULTS = 25000;
  public static final int DATASETS_MAX_EXPERIMENTS = 20;
  public static final int DATASETS_MAX_RESULTS = 1000;

  private final RunStore store;
  private final ExperimentService experiments;
  private final Ids ids;
  private final RunNames names;
  private final Clock clock;

  public RunService(
      RunStore store, ExperimentService experiments, Ids ids, RunNames names, Clock clock) {
    this.store = store;
    this.experiments = experiments;
    this.ids = ids;
    this.names = names;
    this.clock = clock;
  }

  public Run create(
      String experimentId, String userId, Long startTime, String runName, List<Tag> tags) {
    String expId =
        experimentId == null || experimentId.isEmpty()
            ? ExperimentService.DEFAULT_EXPERIMENT_ID
            : experimentId;
    Experiment experiment = experiments.getActive(expId);
    Map<String, Tag> byKey = new LinkedHashMap<>();
    for (Tag tag : tags) {
      Validation.key("tag", tag.key());
      Validation.tagValue(tag.key(), tag.value(), Validation.MAX_TAG_VALUE_LENGTH);
      byKey.put(tag.key(), tag);
    }
    Tag nameTag = byKey.get(RUN_NAME_TAG);
    String name = runName == null || runName.isEmpty() ? null : runName;
    if (name != null && nameTag != null && !nameTag.value().equals(name)) {
      throw CairnException.invalid(
          "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different"
              + " values (run_name='%s', mlflow.runName='%s').",
          name, nameTag.value());
    }
    if (name == null) {
      name = nameTag != null && !nameTag.value().isEmpty() ? nameTag.value() : names.next();
    }
    Validation.tagValue(RUN_NAME_TAG, name, Validation.MAX_TAG_VALUE_LENGTH);
    byKey.put(RUN_NAME_TAG, new Tag(RUN_NAME_TAG, name));
    String user = userId;
    if ((user == null || user.isEmpty()) && byKey.containsKey(USER_TAG)) {
      user = byKey.get(USER_TAG).value();
    }
    String runId = ids.newRunId();
    RunInfo info =
        new RunInfo(
            runId,
            name,
            expId,
            user == null ? "" : user,
            RunStatus.RUNNING,
            startTime == null ? clock.millis() : startTime,
            null,
            ArtifactLocations.run(experiment.artifactLocation(), runId),
            LifecycleStage.ACTIVE);
    store.createRun(info, new ArrayList<>(byKey.values()));
    return get(runId);
  }

  public Run get(String runId) {
    Validation.runId(runId);
    return store.getRun(runId).orElseThrow(() -> notFound(runId));
  }

  public RunInfo info(String runId) {
    Validation.runId(runId);
    return store.getRunInfo(runId).orElseThrow(() -> notFound(runId));
  }

  /**
   * The run, or empty when this server does not hold it (a model version may name a run of another
   * server, or one that was purged).
   */
  public Optional<Run> find(String runId) {
    return runId == null || !Validation.isRunId(runId) ? Optional.empty() : store.getRun(runId);
  }

  /** As {@link #find}, without the run's data. */
  public Optional<RunInfo> findInfo(String runId) {
    return runId == null || !Validation.isRunId(runId) ? Optional.empty() : store.getRunInfo(runId);
  }

  public RunInfo update(String runId, RunStatus status, Long endTime, String runName) {
    RunInfo info = active(runId);
    String name = runName == null || runName.isEmpty() ? null : runName;
    if (name != null) {
      Validation.tagValue(RUN_NAME_TAG, name, Validation.MAX_TAG_VALUE_LENGTH);
    }
    store.updateRun(runId, status, endTime, name);
    return info(info.runId());
  }

  public void delete(String runId) {
    info(runId);
    store.setRunLifecycle(runId, LifecycleStage.DELETED, clock.millis());
  }

  public void restore(String runId) {
    info(runId);
    store.setRunLifecycle(runId, LifecycleStage.ACTIVE, clock.millis());
  }

  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    Validation.batch(metrics, params, tags);
    active(runId);
    store.logBatch(runId, metrics, params, tags);
  }

  public void deleteTag(String runId, String key) {
    Validation.key("tag", key);
    active(runId);
    if (!store.deleteTag(runId, key)) {
      throw CairnException.notFound("No tag with name: %s in run with id %s", key, runId);
    }
  }

  public Page<Run> search(
      List<String> experimentIds,
      ViewType viewType,
      String filter,
      List<String> orderBy,
      Integer maxResults,
      String pageToken) {
    int limit = Validation.maxResults(maxResults, SEARCH_DEFAULT, SEARCH_LIMIT);
    Validation.experimentIds(experimentIds);
    Filter parsed = SearchParser.parseFilter(filter, SearchSchema.RUNS);
    List<OrderBy> order = SearchParser.parseOrderBy(orderBy, SearchSchema.RUNS);
    // Searches ordered by one metric page with a cursor (the last run's sort key); any other
    // order, and MLflow's offset tokens, with an offset.
    boolean byCursor = RunCursor.fits(order);
    RunCursor cursor = RunCursor.of(pageToken);
    if (cursor != null && !byCursor) {
      throw CairnException.invalid(
          "Invalid page token: it continues a search ordered by one metric, not by %s", orderBy);
    }
    long offset = cursor == null ? PageToken.decode(pageToken) : 0;
    if (experimentIds.isEmpty()) {
      return new Page<>(List.of(), null);
    }
    List<Run> found =
        store.searchRuns(experimentIds, viewType, parsed, order, limit + 1, offset, cursor);
    if (!byCursor || found.size() <= limit) {
      return Page.cut(found, limit, offset);
    }
    RunCursor next = RunCursor.after(found.get(limit - 1), order.get(0).identifier().key());
    return new Page<>(found.subList(0, limit), next.token());
  }

  /** A metric's history; without {@code maxResults} every point, in one page. */
  public Page<Metric> metricHistory(
      String runId, String key, Integer maxResults, String pageToken) {
    if (key == null || key.isEmpty()) {
      throw CairnException.invalid(Validation.missing("metric_key"));
    }
    info(runId);
    int limit = Validation.maxResults(maxResults, Integer.MAX_VALUE - 1, Integer.MAX_VALUE - 1);
    // Pages continue after the last point's sort key (step, timestamp, value, NaN flag): an index
    // seek, however deep the page. Offset tokens (MLflow's form) are still read.
    long[] after = PageToken.decodeAfter(pageToken, 4);
    long offset = after == null ? PageToken.decode(pageToken) : 0;
    HistoryCursor cursor =
        after == null
            ? null
            : new HistoryCursor(
                after[0], after[1], Double.longBitsToDouble(after[2]), after[3] != 0);
    List<Metric> points = store.getMetricHistory(runId, key, limit + 1, offset, cursor);
    if (points.size() <= limit) {
      return new Page<>(points, null);
    }
    Metric last = points.get(limit - 1);
    boolean nan = Double.isNaN(last.value());
    String next =
        PageToken.encodeAfter(
            last.step(),
            last.timestamp(),
            Double.doubleToLongBits(nan ? 0.0 : last.value()),
            nan ? 1 : 0);
    return new Page<>(points.subList(0, limit), next);
  }

  public List<Metric> metricHistoryBulkInterval(
      List<String> runIds, String key, Long startStep, Long endStep, Integer maxResults) {
    if (runIds.isEmpty()) {
      throw CairnException.invalid(Validation.missing("run_ids") + " Give at least one run id.");
    }
    if (runIds.size() > BULK_MAX_RUNS) {
      throw CairnException.invalid(
          "GetMetricHistoryBulkInterval request must specify at most %d run_ids. Received %d"
              + " run_ids.",
          BULK_MAX_RUNS, runIds.size());
    }
    for (String runId : runIds) {
      Validation.runId(runId);
    }
    if (key == null || key.isEmpty()) {
      throw CairnException.invalid(Validation.missing("metric_key"));
    }
    if ((startStep == null) != (endStep == null)) {
      throw CairnException.invalid(
          "If either start step or end step are specified, both must be specified.");
    }
    if (startStep != null && startStep > endStep) {
      throw CairnException.invalid(
          "end_step must be greater than start_step. Found start_step=%d and end_step=%d.",
          startStep, endStep);
    }
    if (maxResults != null && (maxResults < 1 || maxResults > BULK_MAX_RESULTS)) {
      throw CairnException.invalid("max_results must be between 1 and %d.", BULK_MAX_RESULTS);
    }
    int max = maxResults == null ? BULK_MAX_RESULTS : maxResults;
    return store.getMetricHistorySampled(runIds, key, startStep, endStep, max);
  }

  /**
   * MLflow's get-history-bulk (the UI's charts of several runs): every point of one metric for up
   * to {@value #HISTORY_BULK_MAX_RUNS} runs, ordered by run id then timestamp, at most {@code
   * maxResults} (default and cap {@value #HISTORY_BULK_MAX_RESULTS}) in all.
   */
  public List<Metric> metricHistoryBulk(List<String> runIds, String key, Integer maxResults) {
    if (runIds.isEmpty()) {
      throw CairnException.invalid(
          "GetMetricHistoryBulk request must specify at least one run_id.");
    }
    if (runIds.size() > HISTORY_BULK_MAX_RUNS) {
      throw CairnException.invalid(
          "GetMetricHistoryBulk request cannot specify more than %d run_ids. Received %d"
              + " run_ids.",
          HISTORY_BULK_MAX_RUNS, runIds.size());
    }
    if (key == null) {
      throw CairnException.invalid("GetMetricHistoryBulk request must specify a metric_key.");
    }
    if (maxResults != null && maxResults < 0) {
      throw CairnException.invalid(
          "Invalid value %d for parameter 'max_results' supplied: it must not be negative",
          maxResults);
    }
    int limit = maxResults == null ? HISTORY_BULK_MAX_RESULTS : maxResults;
    return store.getMetricHistoryBulk(
        new java.util.TreeSet<>(runIds), key, Math.min(limit, HISTORY_BULK_MAX_RESULTS));
  }

  /** MLflow's search-datasets: the datasets the runs of up to 20 experiments used. */
  public List<DatasetSummary> searchDatasets(List<String> experimentIds) {
    if (experimentIds.isEmpty()) {
      throw CairnException.invalid(
          "SearchDatasets request must specify at least one experiment_id.");
    }
    if (experimentIds.size() > DATASETS_MAX_EXPERIMENTS) {
      throw CairnException.invalid(
          "SearchDatasets request cannot specify more than %d experiment_ids. Received %d"
              + " experiment_ids.",
          DATASETS_MAX_EXPERIMENTS, experimentIds.size());
    }
    experimentIds.forEach(Validation::experimentId);
    return store.searchDatasetSummaries(
        experimentIds.stream().map(Long::parseLong).distinct().toList(), DATASETS_MAX_RESULTS);
  }

  public void logInputs(String runId, List<DatasetInput> datasets, List<String> modelIds) {
    for (DatasetInput input : datasets) {
      Dataset d = input.dataset();
      require("dataset.name", d.name());
      require("dataset.digest", d.digest());
      require("dataset.source_type", d.sourceType());
      require("dataset.source", d.source());
      Validation.maxLength("'dataset.name'", d.name(), Validation.MAX_DATASET_NAME_LENGTH);
      Validation.maxLength("'dataset.digest'", d.digest(), Validation.MAX_DATASET_DIGEST_LENGTH);
      Validation.maxLength("'dataset.source'", d.source(), Validation.MAX_DATASET_SOURCE_LENGTH);
      Validation.maxLength("'dataset.schema'", d.schema(), Validation.MAX_DATASET_SCHEMA_LENGTH);
      Validation.maxLength("'dataset.profile'", d.profile(), Validation.MAX_DATASET_PROFILE_LENGTH);
      for (Tag tag : input.tags()) {
        Validation.maxLength("'input_tag.key'", tag.key(), 255);
        Validation.maxLength("'input_tag.value'", tag.value(), 500);
      }
    }
    active(runId);
    List<io.cairn.core.dataset.DatasetRef> links = new java.util.ArrayList<>();
    for (DatasetInput input : datasets) {
      links.add(io.cairn.core.dataset.DatasetRef.fromSource(input.dataset().source()).orElse(null));
    }
    store.logInputs(runId, datasets, links, modelIds);
  }

  public void logOutputs(String runId, List<ModelOutput> outputs) {
    active(runId);
    store.logOutputs(runId, outputs);
  }

  private RunInfo active(String runId) {
    RunInfo info = info(runId);
    if (info.lifecycleStage() != LifecycleStage.ACTIVE) {
      throw CairnException.invalid(
          "The run %s must be in the 'active' state. Current state is %s.",
          runId, info.lifecycleStage().wire());
    }
    return info;
  }

  private static void require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw CairnException.invalid("Missing value for required parameter '%s'", field);
    }
  }

  private static CairnException notFound(String runId) {
    return CairnException.notFound("Run with id=%s not found", runId);
  }
}
