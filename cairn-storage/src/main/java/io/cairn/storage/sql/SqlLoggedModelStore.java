package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.Filter;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.LoggedModel;
import io.cairn.core.tracking.LoggedModelOrder;
import io.cairn.core.tracking.LoggedModelStatus;
import io.cairn.core.tracking.LoggedModelStore;
import io.cairn.core.tracking.Metric;
import io.cairn.core.tracking.MetricDataset;
import io.cairn.core.tracking.Param;
import io.cairn.core.tracking.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** MLflow 3 logged models in SQL. */
public final class SqlLoggedModelStore implements LoggedModelStore {
  private static final String COLUMNS =
      "lm.model_id, lm.experiment_id, lm.name,"
          + " lm.artifact_location, lm.creation_timestamp_ms, lm.last_updated_timestamp_ms, lm.status,"
          + " lm.status_message, lm.model_type, lm.source_run_id, lm.lifecycle_stage";

  private final Database db;

  public SqlLoggedModelStore(Database db) {
    this.db = db;
  }

  @Override
  public void createLoggedModel(LoggedModel m) {
    db.write(
        tx -> {
          tx.update(
              "INSERT INTO logged_models (model_id, experiment_id, name, artifact_location,"
                  + " creation_timestamp_ms, last_updated_timestamp_ms, status, status_message,"
                  + " model_type, source_run_id, lifecycle_stage) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              m.modelId(),
              Long.parseLong(m.experimentId()),
              m.name(),
              m.artifactUri(),
              m.creationTimestamp(),
              m.lastUpdatedTimestamp(),
              m.status().name(),
              m.statusMessage(),
              m.modelType(),
              m.sourceRunId(),
              m.lifecycleStage().wire());
          upsertTags(tx, m.modelId(), m.tags());
          insertParams(tx, m.modelId(), m.params());
          return null;
        });
  }

  @Override
  public Optional<LoggedModel> getLoggedModel(String modelId) {
    return db.read(
        tx -> {
          List<LoggedModel> found =
              load(
                  tx,
                  tx.query(
                      "SELECT " + COLUMNS + " FROM logged_models lm WHERE lm.model_id = ?",
                      SqlLoggedModelStore::row,
                      modelId));
          return found.stream().findFirst();
        });
  }

  @Override
  public void updateLoggedModelStatus(
      String modelId, LoggedModelStatus status, String message, long now) {
    db.write(
        tx ->
            tx.update(
                "UPDATE logged_models SET status = ?, status_message = ?,"
                    + " last_updated_timestamp_ms = ? WHERE model_id = ?",
                status.name(),
                message,
                now,
                modelId));
  }

  @Override
  public void deleteLoggedModel(String modelId, long now) {
    db.write(
        tx ->
            tx.update(
                "UPDATE logged_models SET lifecycle_stage = 'deleted',"
                    + " last_updated_timestamp_ms = ? WHERE model_id = ?",
                now,
                modelId));
  }

  @Override
  public void setLoggedModelTags(String modelId, List<Tag> tags, long now) {
    db.write(
        tx -> {
          upsertTags(tx, modelId, tags);
          return tx.update(
              "UPDATE logged_models SET last_updated_timestamp_ms = ? WHERE model_id = ?",
              now,
              modelId);
        });
  }

  @Override
  public void addModelVersion(String modelId, String name, long version) {
    db.write(
        tx -> {
          if (db.dialect() == Dialect.POSTGRESQL) {
            // Orders concurrent writers of the tag (SQLite has one writer).
            tx.first(
                "SELECT model_id FROM logged_models WHERE model_id = ? FOR UPDATE",
                rs -> rs.getString(1),
                modelId);
          }
          String existing =
              tx.first(
                      "SELECT value FROM logged_model_tags WHERE model_id = ? AND key = ?",
                      rs -> rs.getString(1),
                      modelId,
                      ModelVersionsTag.KEY)
                  .orElse(null);
          upsertTags(
              tx,
              modelId,
              List.of(
                  new Tag(ModelVersionsTag.KEY, ModelVersionsTag.with(existing, name, version))));
          return null;
        });
  }

  @Override
  public boolean deleteLoggedModelTag(String modelId, String key) {
    return db.write(
            tx ->
                tx.update(
                    "DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?", modelId, key))
        > 0;
  }

  @Override
  public void logLoggedModelParams(String modelId, List<Param> params) {
    db.write(
        tx -> {
          insertParams(tx, modelId, params);
          return null;
        });
  }

  @Override
  public List<LoggedModel> searchLoggedModels(
      Collection<String> experimentIds,
      Filter filter,
      List<LoggedModelOrder> orderBy,
      List<MetricDataset> datasets,
      int limit,
      long offset) {
    List<Object> args = new ArrayList<>();
    String sql =
        LoggedModelSearchSql.select(
            COLUMNS, experimentIds, filter, orderBy, datasets, limit, offset, db.dialect(), args);
    return db.read(tx -> load(tx, tx.query(sql, SqlLoggedModelStore::row, args.toArray())));
  }

  private static void upsertTags(Tx tx, String modelId, List<Tag> tags) throws SQLException {
    tx.upsertKeyValues("logged_model_tags", "model_id", modelId, tags, Tag::key, Tag::value);
  }

  /** A logged model's params never change, as in MLflow, whose store refuses a second value. */
  private static void insertParams(Tx tx, String modelId, List<Param> params) throws SQLException {
    Map<String, String> stored =
        tx.insertOnce("logged_model_params", "model_id", modelId, params, Param::key, Param::value);
    for (Param p : params) {
      if (stored.containsKey(p.key())) {
        throw CairnException.invalid(
            "Changing param values is not allowed. Param with key='%s' was already logged with"
                + " value='%s' for logged model ID='%s'. Attempted logging new value '%s'.",
            p.key(), stored.get(p.key()), modelId, p.value());
      }
    }
  }

  private static List<LoggedModel> load(Tx tx, List<LoggedModel> models) throws SQLException {
    List<LoggedModel> out = new ArrayList<>(models.size());
    for (LoggedModel m : models) {
      String id = m.modelId();
      List<Tag> tags =
          tx.query(
              "SELECT key, value FROM logged_model_tags WHERE model_id = ?" + " ORDER BY key",
              rs -> new Tag(rs.getString(1), rs.getString(2)),
              id);
      List<Param> params =
          tx.query(
              "SELECT key, value FROM logged_model_params WHERE model_id = ?" + " ORDER BY key",
              rs -> new Param(rs.getString(1), rs.getString(2)),
              id);
      List<Metric> metrics =
          tx.query(
              "SELECT key, value, timestamp, step, is_nan, run_uuid,"
                  + " dataset_name, dataset_digest FROM logged_model_metrics WHERE model_id = ?"
                  + " ORDER BY key, step, timestamp",
              rs ->
                  new Metric(
                      rs.getString("key"),
                      RunLoader.metricValue(rs),
                      rs.getLong("timestamp"),
                      rs.getLong("step"),
                      rs.getString("run_uuid"),
                      id,
                      emptyToNull(rs.getString("dataset_name")),
                      emptyToNull(rs.getString("dataset_digest"))),
              id);
      out.add(
          new LoggedModel(
              m.modelId(),
              m.experimentId(),
              m.name(),
              m.artifactUri(),
              m.creationTimestamp(),
              m.lastUpdatedTimestamp(),
              m.status(),
              m.statusMessage(),
              m.modelType(),
              m.sourceRunId(),
              m.lifecycleStage(),
              tags,
              params,
              metrics));
    }
    return out;
  }

  private static LoggedModel row(ResultSet rs) throws SQLException {
    return new LoggedModel(
        rs.getString("model_id"),
        Long.toString(rs.getLong("experiment_id")),
        rs.getString("name"),
        rs.getString("artifact_location"),
        rs.getLong("creation_timestamp_ms"),
        rs.getLong("last_updated_timestamp_ms"),
        LoggedModelStatus.valueOf(rs.getString("status")),
        rs.getString("status_message"),
        rs.getString("model_type"),
        rs.getString("source_run_id"),
        LifecycleStage.fromWire(rs.getString("lifecycle_stage")),
        List.of(),
        List.of(),
        List.of());
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
