package io.cairn.storage.sql;

import io.cairn.core.dataset.DatasetRef;
import io.cairn.core.error.CairnException;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.tracking.DatasetInput;
import io.cairn.core.tracking.DatasetSummary;
import io.cairn.core.tracking.HistoryCursor;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.Metric;
import io.cairn.core.tracking.ModelOutput;
import io.cairn.core.tracking.Param;
import io.cairn.core.tracking.Run;
import io.cairn.core.tracking.RunCursor;
import io.cairn.core.tracking.RunInfo;
import io.cairn.core.tracking.RunStatus;
import io.cairn.core.tracking.RunStore;
import io.cairn.core.tracking.Tag;
import io.cairn.core.tracking.ViewType;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/** Runs and their params, tags, metrics, inputs and outputs in SQL. */
public final class SqlRunStore implements RunStore {
  /** The input tag MLflow's {@code log_input(..., context=)} sets. */
  static final String CONTEXT_TAG = "mlflow.data.context";

  private final Database db;
  private final MetricWriter metrics = new MetricWriter();

  /**
   * Whether searches ordered by a metric run as {@link RunSearchSql#segments}; false runs every
   * search as one query, the form the segments are tested against.
   */
  private final boolean segmented;

  /** How filter conditions on metrics, params and tags are written (FilterSql.Probe). */
  private final FilterSql.Forms forms;

  public SqlRunStore(Database db) {
    this(db, true, FilterSql.Forms.BY_COUNT);
  }

  SqlRunStore(Database db, boolean segmented, FilterSql.Forms forms) {
    this.db = db;
    this.segmented = segmented;
    this.forms = forms;
  }

  @Override
  public void createRun(RunInfo info, List<Tag> tags) {
    db.write(
        tx -> {
          tx.update(
              "INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time,"
                  + " end_time, lifecycle_stage, artifact_uri) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              info.runId(),
              Long.parseLong(info.experimentId()),
              info.runName(),
              info.userId(),
              info.status().name(),
              info.startTime(),
              info.endTime(),
              info.lifecycleStage().wire(),
              info.artifactUri());
          upsertTags(tx, info.runId(), tags);
          return null;
        });
  }

  @Override
  public Optional<Run> getRun(String runId) {
    return db.read(
        tx -> {
          Optional<RunInfo> info = info(tx, runId);
          if (info.isEmpty()) {
            return Optional.empty();
          }
          return Optional.of(RunLoader.load(tx, List.of(info.get())).get(0));
        });
  }

  @Override
  public Optional<RunInfo> getRunInfo(String runId) {
    return db.read(tx -> info(tx, runId));
  }

  private static Optional<RunInfo> info(Tx tx, String runId) throws SQLException {
    return tx.first(
        "SELECT " + RunLoader.INFO_COLUMNS + " FROM runs r WHERE r.run_uuid = ?",
        RunLoader::info,
        runId);
  }

  @Override
  public void updateRun(String runId, RunStatus status, Long endTime, String runName) {
    db.write(
        tx -> {
          if (status != null) {
            tx.update("UPDATE runs SET status = ? WHERE run_uuid = ?", status.name(), runId);
          }
          if (endTime != null) {
            tx.update("UPDATE runs SET end_time = ? WHERE run_uuid = ?", endTime, runId);
          }
          if (runName != null) {
            tx.update("UPDATE runs SET name = ? WHERE run_uuid = ?", runName, runId);
            upsertTags(tx, runId, List.of(new Tag("mlflow.runName", runName)));
          }
          return null;
        });
  }

  @Override
  public void setRunLifecycle(String runId, LifecycleStage stage, long now) {
    db.write(
        tx ->
            tx.update(
                "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?",
                stage.wire(),
                stage == LifecycleStage.DELETED ? now : null,
                runId));
  }

  @Override
  public void logBatch(String runId, List<Metric> metricList, List<Param> params, List<Tag> tags) {
    MetricWriter.Rows rows = MetricWriter.rows(runId, metricList);
    db.write(
        tx -> {
          insertParams(tx, runId, params);
          upsertTags(tx, runId, tags);
          renameFromTag(tx, runId, tags);
          metrics.write(tx, rows);
          return null;
        });
  }

  private static void insertParams(Tx tx, String runId, List<Param> params) throws SQLException {
    Map<String, String> stored =
        tx.insertOnce("params", "run_uuid", runId, params, Param::key, Param::value);
    if (stored.isEmpty()) {
      return;
    }
    if (params.size() == 1) {
      Param p = params.get(0);
      throw CairnException.invalid(
          "Changing param values is not allowed. Param with key='%s' was"
              + " already logged with value='%s' for run ID='%s'. Attempted logging new value '%s'.",
          p.key(), stored.get(p.key()), runId, p.value());
    }
    List<String> conflicts = new ArrayList<>();
    for (Param p : params) {
      if (stored.containsKey(p.key())) {
        conflicts.add(
            String.format(
                "{'key': '%s', 'old_value': '%s', 'new_value': '%s'}",
                p.key(), stored.get(p.key()), p.value()));
      }
    }
    throw CairnException.invalid(
        "Changing param values is not allowed. Params were already logged='%s' for run ID='%s'.",
        conflicts, runId);
  }

  /** Setting the mlflow.runName tag renames the run, as in MLflow, in the same transaction. */
  private static void renameFromTag(Tx tx, String runId, List<Tag> tags) throws SQLException {
    String name = null;
    for (Tag t : tags) {
      if (t.key().equals("mlflow.runName") && !t.value().isEmpty()) {
        name = t.value();
      }
    }
    if (name != null) {
      tx.update("UPDATE runs SET name = ? WHERE run_uuid = ?", name, runId);
    }
  }

  static void upsertTags(Tx tx, String runId, List<Tag> tags) throws SQLException {
    tx.upsertKeyValues("tags", "run_uuid", runId, tags, Tag::key, Tag::value);
  }

  @Override
  public boolean deleteTag(String runId, String key) {
    return db.write(tx -> tx.update("DELETE FROM tags WHERE run_uuid = ? AND key = ?", runId, key))
        > 0;
  }

  @Override
  public List<Run> searchRuns(
      Collection<String> experimentIds,
      ViewType viewType,
      Filter filter,
      List<OrderBy> orderBy,
      int limit,
      long offset,
      RunCursor after) {
    return db.read(
        tx -> {
          boolean byMetric = (segmented || after != null) && RunSearchSql.startsWithMetric(orderBy);
          FilterSql.Probe probe =
              new FilterSql.Probe(
                  tx,
                  forms,
                  byMetric || (orderBy.isEmpty() && experimentIds.size() == 1) ? offset + limit : 0,
                  byMetric
                      ? RunSearchSql.metricWalk(tx, orderBy.get(0).identifier().key())
                      : RunSearchSql.experimentWalk(tx, experimentIds));
          List<RunSearchSql> segments =
              byMetric
                  ? RunSearchSql.segments(experimentIds, viewType, filter, orderBy, probe, after)
                  : null;
          if (segments == null) {
            RunSearchSql query =
                RunSearchSql.build(experimentIds, viewType, filter, orderBy, limit, offset, probe);
            return RunLoader.load(tx, tx.query(query.sql(), RunLoader::info, query.args()));
          }
          // Rows [0, offset + limit) of the segments in turn: a segment that returns fewer rows
          // than asked is exhausted, so the next one continues the order exactly.
          long wanted = offset + limit;
          List<RunInfo> rows = new ArrayList<>();
          for (RunSearchSql segment : segments) {
            if (rows.size() >= wanted) {
              break;
            }
            Object[] args = java.util.Arrays.copyOf(segment.args(), segment.args().length + 1);
            args[args.length - 1] = wanted - rows.size();
            rows.addAll(tx.query(segment.sql(), RunLoader::info, args));
          }
          int from = (int) Math.min(offset, rows.size());
          return RunLoader.load(tx, rows.subList(from, rows.size()));
        });
  }

  @Override
  public List<Metric> getMetricHistory(
      String runId, String key, int limit, long offset, HistoryCursor cursor) {
    // The primary key (run_uuid, key, step, timestamp, value, is_nan) serves both forms: a keyset
    // page is an index seek; an offset page (MLflow's tokens) skips rows.
    String where = cursor == null ? "" : " AND (step, timestamp, value, is_nan) > (?, ?, ?, ?)";
    List<Object> args = new ArrayList<>(List.of(runId, key));
    if (cursor != null) {
      args.addAll(List.of(cursor.step(), cursor.timestamp(), cursor.value(), cursor.nan()));
    }
    args.add(limit);
    args.add(offset);
    return db.read(
        tx ->
            tx.query(
                "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ?"
                    + where
                    + " ORDER BY step, timestamp, value, is_nan LIMIT ? OFFSET ?",
                // by position: a page holds up to 25,000 rows, and lookups by name cost a map
                // probe per column per row
                rs ->
                    new Metric(
                        key,
                        rs.getBoolean(4) ? Double.NaN : rs.getDouble(1),
                        rs.getLong(2),
                        rs.getLong(3),
                        runId,
                        null,
                        null,
                        null),
                args.toArray()));
  }

  @Override
  public List<Metric> getMetricHistorySampled(
      Collection<String> runIds, String key, Long startStep, Long endStep, int maxPoints) {
    return db.read(
        tx -> {
          java.util.Set<String> runs = new java.util.LinkedHashSet<>(runIds);
          List<Long> steps = SampledSteps.choose(tx, runs, key, startStep, endStep, maxPoints);
          List<Metric> out = new ArrayList<>();
          for (String runId : runs) {
            // MLflow's evenly spaced steps, and Cairn's extremes of each bucket on top.
            java.util.TreeSet<Metric> kept = new java.util.TreeSet<>(MetricSampler.ORDER);
            kept.addAll(SampledSteps.points(tx, runId, key, steps));
            kept.addAll(MetricSampler.sample(tx, runId, key, startStep, endStep, maxPoints));
            out.addAll(kept);
          }
          return out;
        });
  }

  @Override
  public List<Metric> getMetricHistoryBulk(Collection<String> runIds, String key, int limit) {
    List<Object> args = new ArrayList<>(runIds);
    args.add(key);
    args.add(limit);
    return db.read(
        tx ->
            tx.query(
                "SELECT run_uuid, value, timestamp, step, is_nan FROM metrics WHERE run_uuid IN ("
                    + Tx.placeholders(runIds.size())
                    + ") AND key = ? ORDER BY run_uuid, timestamp, step, value LIMIT ?",
                rs ->
                    new Metric(
                        key,
                        rs.getBoolean(5) ? Double.NaN : rs.getDouble(2),
                        rs.getLong(3),
                        rs.getLong(4),
                        rs.getString(1),
                        null,
                        null,
                        null),
                args.toArray()));
  }

  @Override
  public List<DatasetSummary> searchDatasetSummaries(Collection<Long> experimentIds, int limit) {
    List<Object> args = new ArrayList<>(experimentIds);
    args.add(limit);
    // A left join: an input without a context tag is still listed, with no context.
    return db.read(
        tx ->
            tx.query(
                "SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value FROM datasets d JOIN"
                    + " run_dataset_inputs i ON i.dataset_uuid = d.dataset_uuid LEFT JOIN"
                    + " run_dataset_input_tags t ON t.run_uuid = i.run_uuid AND t.dataset_uuid ="
                    + " i.dataset_uuid AND t.key = 'mlflow.data.context' WHERE d.experiment_id IN ("
                    + Tx.placeholders(experimentIds.size())
                    + ") ORDER BY d.experiment_id, d.name, d.digest, t.value LIMIT ?",
                rs ->
                    new DatasetSummary(
                        Long.toString(rs.getLong(1)),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4)),
                args.toArray()));
  }

  @Override
  public void logInputs(
      String runId, List<DatasetInput> datasets, List<DatasetRef> links, List<String> modelIds) {
    db.write(
        tx -> {
          long experimentId =
              tx.first(
                      "SELECT experiment_id FROM runs WHERE run_uuid = ?",
                      rs -> rs.getLong(1),
                      runId)
                  .orElseThrow();
          List<Object[]> versionLinks = resolveLinks(tx, experimentId, runId, datasets, links);
          int position =
              tx.first(
                      "SELECT COUNT(*) FROM run_dataset_inputs WHERE run_uuid = ?",
                      rs -> rs.getInt(1),
                      runId)
                  .orElse(0);
          for (DatasetInput input : datasets) {
            var d = input.dataset();
            tx.update(
                "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type,"
                    + " source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (experiment_id, name, digest) DO NOTHING",
                UUID.randomUUID().toString().replace("-", ""),
                experimentId,
                d.name(),
                d.digest(),
                d.sourceType(),
                d.source(),
                d.schema(),
                d.profile());
            String datasetId =
                tx.first(
                        "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND"
                            + " name = ? AND digest = ?",
                        rs -> rs.getString(1),
                        experimentId,
                        d.name(),
                        d.digest())
                    .orElseThrow();
            int added =
                tx.update(
                    "INSERT INTO run_dataset_inputs (run_uuid, dataset_uuid, position)"
                        + " VALUES (?, ?, ?) ON CONFLICT (run_uuid, dataset_uuid) DO NOTHING",
                    runId,
                    datasetId,
                    position);
            if (added > 0) {
              position++;
              List<Object[]> rows = new ArrayList<>();
              Map<String, String> unique = new LinkedHashMap<>();
              input.tags().forEach(t -> unique.put(t.key(), t.value()));
              unique.forEach((k, v) -> rows.add(new Object[] {runId, datasetId, k, v}));
              tx.batch(
                  "INSERT INTO run_dataset_input_tags (run_uuid, dataset_uuid, key, value)"
                      + " VALUES (?, ?, ?, ?)",
                  rows);
            }
          }
          try {
            tx.batch(
                "INSERT INTO run_dataset_versions (run_uuid, dataset_id, version, context)"
                    + " VALUES (?, ?, ?, ?) ON CONFLICT (run_uuid, dataset_id, version) DO NOTHING",
                versionLinks);
          } catch (SQLException e) {
            if (Database.isForeignKeyViolation(e)) {
              throw CairnException.notFound(
                  "A dataset version this run's inputs name was deleted while they were logged;"
                      + " log them again.");
            }
            throw e;
          }
          List<Object[]> models = new ArrayList<>();
          modelIds.forEach(id -> models.add(new Object[] {runId, id}));
          tx.batch("INSERT INTO run_model_inputs (run_uuid, model_id) VALUES (?, ?)", models);
          return null;
        });
  }

  /**
   * The dataset versions the inputs' sources name, resolved now in the run's workspace (a tag that
   * moves later does not change what the run used), as rows of run_dataset_versions. A source that
   * names no version refuses the whole call, before anything is written.
   */
  private static List<Object[]> resolveLinks(
      Tx tx, long experimentId, String runId, List<DatasetInput> datasets, List<DatasetRef> links)
      throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    if (links == null || links.stream().allMatch(Objects::isNull)) {
      return rows;
    }
    String workspace =
        tx.first(
                "SELECT workspace FROM experiments WHERE experiment_id = ?",
                rs -> rs.getString(1),
                experimentId)
            .orElseThrow();
    for (int i = 0; i < links.size() && i < datasets.size(); i++) {
      DatasetRef ref = links.get(i);
      if (ref == null) {
        continue;
      }
      Optional<Long> id = DatasetRows.datasetId(tx, workspace, ref.name());
      Optional<Long> version =
          id.isEmpty() ? Optional.empty() : DatasetRows.resolve(tx, id.get(), ref.version());
      if (version.isEmpty()) {
        throw CairnException.notFound(
            "Dataset source '%s' names no dataset version in this workspace: %s.",
            datasets.get(i).dataset().source(), DatasetRows.unresolved(tx, workspace, ref));
      }
      String context = null;
      for (Tag t : datasets.get(i).tags()) {
        if (t.key().equals(CONTEXT_TAG) && context == null) {
          context = t.value();
        }
      }
      rows.add(new Object[] {runId, id.get(), version.get(), context});
    }
    return rows;
  }

  @Override
  public void logOutputs(String runId, List<ModelOutput> outputs) {
    List<Object[]> rows = new ArrayList<>();
    outputs.forEach(o -> rows.add(new Object[] {runId, o.modelId(), o.step()}));
    db.write(
        tx -> {
          for (ModelOutput o : outputs) {
            if (tx.first(
                    "SELECT 1 FROM logged_models WHERE model_id = ?",
                    rs -> rs.getInt(1),
                    o.modelId())
                .isEmpty()) {
              throw CairnException.notFound("Logged model with ID '%s' not found.", o.modelId());
            }
          }
          tx.batch(
              "INSERT INTO run_model_outputs (run_uuid, model_id, step) VALUES (?, ?, ?)", rows);
          return null;
        });
  }
}
