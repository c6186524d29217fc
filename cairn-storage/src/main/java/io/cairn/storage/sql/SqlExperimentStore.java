package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.search.EntityType;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.tracking.Experiment;
import io.cairn.core.tracking.ExperimentStore;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.Tag;
import io.cairn.core.tracking.ViewType;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/** Experiments in SQL. Name uniqueness per workspace is the database's UNIQUE constraint. */
public final class SqlExperimentStore implements ExperimentStore {
  private static final String COLUMNS =
      "e.experiment_id, e.workspace, e.name, e.artifact_location,"
          + " e.lifecycle_stage, e.creation_time, e.last_update_time";
  private static final FilterSql.Entity ENTITY =
      new FilterSql.Entity(
          "e.experiment_id",
          Map.of(
              "name", "e.name",
              "experiment_id", "CAST(e.experiment_id AS TEXT)",
              "creation_time", "e.creation_time",
              "last_update_time", "e.last_update_time"),
          Map.of(
              EntityType.TAG, new FilterSql.KeyedTable("experiment_tags", "experiment_id", null)),
          (attribute, value) -> value);

  private final Database db;

  public SqlExperimentStore(Database db) {
    this.db = db;
  }

  @Override
  public String createExperiment(
      String workspace,
      String name,
      String artifactLocation,
      LongFunction<String> defaultLocation,
      List<Tag> tags,
      long now) {
    return db.write(
        tx -> {
          long id;
          try {
            id =
                tx.first(
                        "INSERT INTO experiments (workspace, name, artifact_location, lifecycle_stage,"
                            + " creation_time, last_update_time) VALUES (?, ?, ?, 'active', ?, ?)"
                            + " RETURNING experiment_id",
                        rs -> rs.getLong(1),
                        workspace,
                        name,
                        artifactLocation,
                        now,
                        now)
                    .orElseThrow();
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw CairnException.alreadyExists("Experiment(name=%s) already exists.", name);
            }
            throw e;
          }
          if (artifactLocation == null) {
            tx.update(
                "UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?",
                defaultLocation.apply(id),
                id);
          }
          tx.upsertKeyValues("experiment_tags", "experiment_id", id, tags, Tag::key, Tag::value);
          return Long.toString(id);
        });
  }

  @Override
  public Optional<Experiment> getExperiment(String experimentId) {
    return db.read(
        tx ->
            tx.first(
                    "SELECT " + COLUMNS + " FROM experiments e WHERE e.experiment_id = ?",
                    SqlExperimentStore::row,
                    Long.parseLong(experimentId))
                .map(e -> withTags(tx, e)));
  }

  @Override
  public Optional<Experiment> getExperimentByName(String workspace, String name) {
    return db.read(
        tx ->
            tx.first(
                    "SELECT "
                        + COLUMNS
                        + " FROM experiments e WHERE e.workspace = ? AND e.name = ?",
                    SqlExperimentStore::row,
                    workspace,
                    name)
                .map(e -> withTags(tx, e)));
  }

  @Override
  public List<Experiment> searchExperiments(
      String workspace,
      ViewType viewType,
      Filter filter,
      List<OrderBy> orderBy,
      int limit,
      long offset) {
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    StringBuilder sql =
        new StringBuilder(
            "SELECT "
                + COLUMNS
                + " FROM experiments e WHERE"
                + " e.workspace = ? AND e.lifecycle_stage IN (");
    List<String> stages = viewType.stages().stream().map(LifecycleStage::wire).toList();
    sql.append(Tx.placeholders(stages.size())).append(") AND ");
    args.addAll(stages);
    sql.append(FilterSql.compile(filter, ENTITY, db.dialect(), args));
    sql.append(" ORDER BY ");
    boolean byId = false;
    for (OrderBy o : orderBy) {
      if (o.identifier().type() != EntityType.ATTRIBUTE) {
        throw CairnException.invalid(
            "Invalid order_by entity: experiments can be ordered by"
                + " name, experiment_id, creation_time and last_update_time");
      }
      String column =
          o.identifier().key().equals("experiment_id")
              ? "e.experiment_id"
              : ENTITY.attributeColumns().get(o.identifier().key());
      byId |= o.identifier().key().equals("experiment_id");
      sql.append(column).append(o.ascending() ? " ASC, " : " DESC, ");
    }
    sql.append(
        orderBy.isEmpty()
            ? "e.creation_time DESC, e.experiment_id ASC"
            : byId ? "e.experiment_id ASC" : "e.experiment_id DESC");
    sql.append(" LIMIT ? OFFSET ?");
    args.add(limit);
    args.add(offset);
    return db.read(
        tx -> {
          List<Experiment> found =
              tx.query(sql.toString(), SqlExperimentStore::row, args.toArray());
          List<Experiment> out = new ArrayList<>(found.size());
          for (Experiment e : found) {
            out.add(withTags(tx, e));
          }
          return out;
        });
  }

  @Override
  public void renameExperiment(String experimentId, String newName, long now) {
    db.write(
        tx -> {
          try {
            return tx.update(
                "UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?",
                newName,
                now,
                Long.parseLong(experimentId));
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw CairnException.alreadyExists("Experiment(name=%s) already exists.", newName);
            }
            throw e;
          }
        });
  }

  @Override
  public void setExperimentLifecycle(String experimentId, LifecycleStage stage, long now) {
    long id = Long.parseLong(experimentId);
    db.write(
        tx -> {
          tx.update(
              "UPDATE experiments SET lifecycle_stage = ?, last_update_time = ?"
                  + " WHERE experiment_id = ?",
              stage.wire(),
              now,
              id);
          tx.update(
              "UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?",
              stage.wire(),
              stage == LifecycleStage.DELETED ? now : null,
              id);
          return null;
        });
  }

  @Override
  public void setExperimentTag(String experimentId, Tag tag, long now) {
    long id = Long.parseLong(experimentId);
    db.write(
        tx -> {
          tx.upsertKeyValues(
              "experiment_tags", "experiment_id", id, List.of(tag), Tag::key, Tag::value);
          return tx.update(
              "UPDATE experiments SET last_update_time = ? WHERE experiment_id = ?", now, id);
        });
  }

  @Override
  public boolean deleteExperimentTag(String experimentId, String key) {
    return db.write(
            tx ->
                tx.update(
                    "DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?",
                    Long.parseLong(experimentId),
                    key))
        > 0;
  }

  private static Experiment withTags(Tx tx, Experiment e) {
    try {
      List<Tag> tags =
          tx.query(
              "SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key",
              rs -> new Tag(rs.getString(1), rs.getString(2)),
              Long.parseLong(e.experimentId()));
      return new Experiment(
          e.experimentId(),
          e.workspace(),
          e.name(),
          e.artifactLocation(),
          e.lifecycleStage(),
          e.creationTime(),
          e.lastUpdateTime(),
          tags);
    } catch (SQLException ex) {
      throw Database.translate(ex);
    }
  }

  private static Experiment row(ResultSet rs) throws SQLException {
    return new Experiment(
        Long.toString(rs.getLong("experiment_id")), rs.getString("workspace"),
        rs.getString("name"), rs.getString("artifact_location"),
        LifecycleStage.fromWire(rs.getString("lifecycle_stage")), rs.getLong("creation_time"),
        rs.getLong("last_update_time"), List.of());
  }
}
