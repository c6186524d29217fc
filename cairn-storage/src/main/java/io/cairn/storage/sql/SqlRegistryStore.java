package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.registry.ModelStage;
import io.cairn.core.registry.ModelVersion;
import io.cairn.core.registry.NewModelVersion;
import io.cairn.core.registry.RegisteredModel;
import io.cairn.core.registry.RegistryStore;
import io.cairn.core.search.EntityType;
import io.cairn.core.search.Filter;
import io.cairn.core.search.OrderBy;
import io.cairn.core.tracking.Tag;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The model registry in SQL. A version's number comes from incrementing its model's {@code
 * last_version} in the transaction that inserts it: the row lock (PostgreSQL) or the write lock
 * (SQLite) orders concurrent creators, so numbers have no duplicates and no gaps.
 */
public final class SqlRegistryStore implements RegistryStore {
  private static final FilterSql.Entity MODELS =
      new FilterSql.Entity(
          "m.model_key",
          Map.of(
              "name", "m.name",
              "creation_timestamp", "m.creation_timestamp",
              "last_updated_timestamp", "m.last_updated_timestamp"),
          Map.of(
              EntityType.TAG, new FilterSql.KeyedTable("registered_model_tags", "model_key", null)),
          (attribute, value) -> value);
  private static final FilterSql.Entity VERSIONS =
      new FilterSql.Entity(
          "v.mv_id",
          Map.of(
              "name", "m.name",
              "version_number", "v.version",
              "run_id", "v.run_id",
              "source_path", "v.source",
              "current_stage", "v.current_stage",
              "model_id", "v.model_id",
              "creation_timestamp", "v.creation_timestamp",
              "last_updated_timestamp", "v.last_updated_timestamp"),
          Map.of(EntityType.TAG, new FilterSql.KeyedTable("model_version_tags", "mv_id", null)),
          (attribute, value) -> value);
  private static final String FROM_VERSIONS =
      " FROM model_versions v JOIN registered_models m ON m.model_key = v.model_key";

  private final Database db;

  public SqlRegistryStore(Database db) {
    this.db = db;
  }

  private static long key(Tx tx, String workspace, String name) throws SQLException {
    return tx.first(
            "SELECT model_key FROM registered_models WHERE workspace = ? AND name = ?",
            rs -> rs.getLong(1),
            workspace,
            name)
        .orElseThrow(
            () -> CairnException.notFound("Registered Model with name=%s not found", name));
  }

  private static long versionId(Tx tx, String workspace, String name, long version)
      throws SQLException {
    return tx.first(
            "SELECT v.mv_id"
                + FROM_VERSIONS
                + " WHERE m.workspace = ? AND m.name = ? AND"
                + " v.version = ?",
            rs -> rs.getLong(1),
            workspace,
            name,
            version)
        .orElseThrow(
            () ->
                CairnException.notFound(
                    "Model Version (name=%s, version=%d) not found", name, version));
  }

  @Override
  public void createRegisteredModel(
      String workspace, String name, String description, String userId, List<Tag> tags, long now) {
    db.write(
        tx -> {
          long key;
          try {
            key =
                tx.first(
                        "INSERT INTO registered_models (workspace, name, creation_timestamp,"
                            + " last_updated_timestamp, description, user_id) VALUES (?, ?, ?, ?, ?, ?)"
                            + " RETURNING model_key",
                        rs -> rs.getLong(1),
                        workspace,
                        name,
                        now,
                        now,
                        description,
                        userId)
                    .orElseThrow();
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw CairnException.alreadyExists(
                  "Registered Model (name=%s) already exists.", name);
            }
            throw e;
          }
          tx.upsertKeyValues("registered_model_tags", "model_key", key, tags, Tag::key, Tag::value);
          return null;
        });
  }

  @Override
  public Optional<RegisteredModel> getRegisteredModel(String workspace, String name) {
    return db.read(
        tx ->
            RegistryRows.models(
                    tx,
                    tx.query(
                        "SELECT "
                            + RegistryRows.MODEL_COLUMNS
                            + " FROM registered_models m WHERE m.workspace = ? AND m.name = ?",
                        RegistryRows::modelRow,
                        workspace,
                        name))
                .stream()
                .findFirst());
  }

  @Override
  public void renameRegisteredModel(String workspace, String name, String newName, long now) {
    db.write(
        tx -> {
          try {
            return tx.update(
                "UPDATE registered_models SET name = ?, last_updated_timestamp = ?"
                    + " WHERE workspace = ? AND name = ?",
                newName,
                now,
                workspace,
                name);
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw CairnException.alreadyExists(
                  "Registered Model (name=%s) already exists.", newName);
            }
            throw e;
          }
        });
  }

  @Override
  public void updateRegisteredModel(String workspace, String name, String description, long now) {
    db.write(
        tx ->
            tx.update(
                "UPDATE registered_models SET description = ?,"
                    + " last_updated_timestamp = ? WHERE workspace = ? AND name = ?",
                description,
                now,
                workspace,
                name));
  }

  @Override
  public void deleteRegisteredModel(String workspace, String name) {
    db.write(
        tx ->
            tx.update(
                "DELETE FROM registered_models WHERE workspace = ? AND name = ?", workspace, name));
  }

  @Override
  public List<RegisteredModel> searchRegisteredModels(
      String workspace, Filter filter, List<OrderBy> orderBy, int limit, long offset) {
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    String condition = FilterSql.compile(filter, MODELS, db.dialect(), args);
    String sql =
        "SELECT "
            + RegistryRows.MODEL_COLUMNS
            + " FROM registered_models m WHERE"
            + " m.workspace = ? AND "
            + condition
            + " ORDER BY "
            + modelOrder(orderBy)
            + " LIMIT ? OFFSET ?";
    args.add(limit);
    args.add(offset);
    return db.read(
        tx -> RegistryRows.models(tx, tx.query(sql, RegistryRows::modelRow, args.toArray())));
  }

  @Override
  public void setRegisteredModelTag(String workspace, String name, Tag tag, long now) {
    db.write(
        tx -> {
          long key = key(tx, workspace, name);
          tx.upsertKeyValues(
              "registered_model_tags", "model_key", key, List.of(tag), Tag::key, Tag::value);
          return touch(tx, key, now);
        });
  }

  @Override
  public boolean deleteRegisteredModelTag(String workspace, String name, String tagKey) {
    return db.write(
            tx ->
                tx.update(
                    "DELETE FROM registered_model_tags WHERE model_key = ? AND key = ?",
                    key(tx, workspace, name),
                    tagKey))
        > 0;
  }

  @Override
  public void setAlias(String workspace, String name, String alias, long version, long now) {
    db.write(
        tx -> {
          long key = key(tx, workspace, name);
          long mv = versionId(tx, workspace, name, version);
          tx.update(
              "INSERT INTO registered_model_aliases (model_key, alias, mv_id) VALUES (?, ?, ?)"
                  + " ON CONFLICT (model_key, alias) DO UPDATE SET mv_id = excluded.mv_id",
              key,
              alias,
              mv);
          return touch(tx, key, now);
        });
  }

  @Override
  public boolean deleteAlias(String workspace, String name, String alias) {
    return db.write(
            tx ->
                tx.update(
                    "DELETE FROM registered_model_aliases WHERE model_key = ? AND alias = ?",
                    key(tx, workspace, name),
                    alias))
        > 0;
  }

  @Override
  public long createModelVersion(String workspace, NewModelVersion v, long now) {
    return db.write(
        tx -> {
          long key = key(tx, workspace, v.name());
          long version =
              tx.first(
                      "UPDATE registered_models SET last_version = last_version + 1,"
                          + " last_updated_timestamp = ? WHERE model_key = ? RETURNING last_version",
                      rs -> rs.getLong(1),
                      now,
                      key)
                  .orElseThrow();
          long mv =
              tx.first(
                      "INSERT INTO model_versions (model_key, version, creation_timestamp,"
                          + " last_updated_timestamp, user_id, current_stage, description, source,"
                          + " storage_location, run_id, run_link, model_id, status) VALUES (?, ?, ?, ?, ?, ?,"
                          + " ?, ?, ?, ?, ?, ?, 'READY') RETURNING mv_id",
                      rs -> rs.getLong(1),
                      key,
                      version,
                      now,
                      now,
                      v.userId(),
                      ModelStage.NONE.wire(),
                      v.description(),
                      v.source(),
                      v.storageLocation(),
                      v.runId(),
                      v.runLink(),
                      v.modelId())
                  .orElseThrow();
          tx.upsertKeyValues("model_version_tags", "mv_id", mv, v.tags(), Tag::key, Tag::value);
          List<Object[]> onnx = new ArrayList<>();
          for (ModelVersion.OnnxFile f : v.onnx()) {
            onnx.add(new Object[] {mv, f.path(), RegistryRows.toJson(f.description())});
          }
          tx.batch(
              "INSERT INTO model_version_onnx (mv_id, path, description) VALUES (?, ?, ?)", onnx);
          return version;
        });
  }

  @Override
  public Optional<ModelVersion> getModelVersion(String workspace, String name, long version) {
    return db.read(
        tx ->
            RegistryRows.versions(
                    tx,
                    tx.query(
                        "SELECT "
                            + RegistryRows.VERSION_COLUMNS
                            + FROM_VERSIONS
                            + " WHERE m.workspace = ? AND m.name = ? AND v.version = ?",
                        RegistryRows::versionRow,
                        workspace,
                        name,
                        version))
                .stream()
                .findFirst());
  }

  @Override
  public Optional<ModelVersion> getModelVersionByAlias(
      String workspace, String name, String alias) {
    return db.read(
        tx ->
            RegistryRows.versions(
                    tx,
                    tx.query(
                        "SELECT "
                            + RegistryRows.VERSION_COLUMNS
                            + FROM_VERSIONS
                            + " JOIN registered_model_aliases a ON a.mv_id = v.mv_id"
                            + " WHERE m.workspace = ? AND m.name = ? AND a.alias = ?",
                        RegistryRows::versionRow,
                        workspace,
                        name,
                        alias))
                .stream()
                .findFirst());
  }

  @Override
  public void updateModelVersion(
      String workspace, String name, long version, String description, long now) {
    db.write(
        tx ->
            tx.update(
                "UPDATE model_versions SET description = ?, last_updated_timestamp"
                    + " = ? WHERE mv_id = ?",
                description,
                now,
                versionId(tx, workspace, name, version)));
  }

  @Override
  public void transitionStage(
      String workspace,
      String name,
      long version,
      ModelStage stage,
      boolean archiveExisting,
      long now) {
    db.write(
        tx -> {
          long mv = versionId(tx, workspace, name, version);
          if (archiveExisting && (stage == ModelStage.STAGING || stage == ModelStage.PRODUCTION)) {
            tx.update(
                "UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ? WHERE"
                    + " model_key = ? AND current_stage = ? AND mv_id <> ?",
                ModelStage.ARCHIVED.wire(),
                now,
                key(tx, workspace, name),
                stage.wire(),
                mv);
          }
          return tx.update(
              "UPDATE model_versions SET current_stage = ?, last_updated_timestamp = ?"
                  + " WHERE mv_id = ?",
              stage.wire(),
              now,
              mv);
        });
  }

  @Override
  public void deleteModelVersion(String workspace, String name, long version, long now) {
    db.write(
        tx -> {
          tx.update(
              "DELETE FROM model_versions WHERE mv_id = ?",
              versionId(tx, workspace, name, version));
          return touch(tx, key(tx, workspace, name), now);
        });
  }

  @Override
  public List<ModelVersion> searchModelVersions(
      String workspace, Filter filter, List<OrderBy> orderBy, int limit, long offset) {
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    String condition = FilterSql.compile(filter, VERSIONS, db.dialect(), args);
    String sql =
        "SELECT "
            + RegistryRows.VERSION_COLUMNS
            + FROM_VERSIONS
            + " WHERE m.workspace = ?"
            + " AND "
            + condition
            + " ORDER BY "
            + versionOrder(orderBy)
            + " LIMIT ? OFFSET ?";
    args.add(limit);
    args.add(offset);
    return db.read(
        tx -> RegistryRows.versions(tx, tx.query(sql, RegistryRows::versionRow, args.toArray())));
  }

  @Override
  public List<ModelVersion> latestVersions(String workspace, String name, List<ModelStage> stages) {
    List<Object> args = new ArrayList<>(List.of(workspace, name));
    stages.forEach(s -> args.add(s.wire()));
    return db.read(
        tx ->
            RegistryRows.versions(
                tx,
                tx.query(
                    "SELECT "
                        + RegistryRows.VERSION_COLUMNS
                        + FROM_VERSIONS
                        + " WHERE m.workspace = ? AND m.name = ? AND v.current_stage IN ("
                        + Tx.placeholders(stages.size())
                        + ") AND v.version = (SELECT MAX(w.version) FROM"
                        + " model_versions w WHERE w.model_key = v.model_key AND w.current_stage ="
                        + " v.current_stage) ORDER BY v.version",
                    RegistryRows::versionRow,
                    args.toArray())));
  }

  @Override
  public void setModelVersionTag(String workspace, String name, long version, Tag tag, long now) {
    db.write(
        tx -> {
          long mv = versionId(tx, workspace, name, version);
          tx.upsertKeyValues("model_version_tags", "mv_id", mv, List.of(tag), Tag::key, Tag::value);
          return tx.update(
              "UPDATE model_versions SET last_updated_timestamp = ? WHERE mv_id = ?", now, mv);
        });
  }

  @Override
  public boolean deleteModelVersionTag(String workspace, String name, long version, String tagKey) {
    return db.write(
            tx ->
                tx.update(
                    "DELETE FROM model_version_tags WHERE mv_id = ? AND key = ?",
                    versionId(tx, workspace, name, version),
                    tagKey))
        > 0;
  }

  private static int touch(Tx tx, long key, long now) throws SQLException {
    return tx.update(
        "UPDATE registered_models SET last_updated_timestamp = ? WHERE model_key = ?", now, key);
  }

  /**
   * MLflow's order of model versions: the given order (last updated first when none), then name
   * ascending and version descending unless the order names them; versions are unique by those.
   */
  private static String versionOrder(List<OrderBy> orderBy) {
    if (orderBy.isEmpty()) {
      return "v.last_updated_timestamp DESC, m.name ASC, v.version DESC";
    }
    StringBuilder sql = new StringBuilder();
    Set<String> named = new HashSet<>();
    for (OrderBy o : orderBy) {
      String key = attribute(o);
      named.add(key);
      sql.append(VERSIONS.attributeColumns().get(key)).append(o.ascending() ? " ASC, " : " DESC, ");
    }
    if (!named.contains("name")) {
      sql.append("m.name ASC, ");
    }
    if (!named.contains("version_number")) {
      sql.append("v.version DESC, ");
    }
    return sql.substring(0, sql.length() - 2);
  }

  private static String attribute(OrderBy o) {
    if (o.identifier().type() != EntityType.ATTRIBUTE) {
      throw CairnException.invalid(
          "Invalid order_by clause: order by attributes such as name or last_updated_timestamp");
    }
    return o.identifier().key();
  }

  /**
   * MLflow's order of registered models: the given order, then name ascending (names are unique).
   */
  private static String modelOrder(List<OrderBy> orderBy) {
    StringBuilder sql = new StringBuilder();
    boolean byName = false;
    for (OrderBy o : orderBy) {
      String key = attribute(o);
      byName |= key.equals("name");
      sql.append(MODELS.attributeColumns().get(key)).append(o.ascending() ? " ASC, " : " DESC, ");
    }
    return byName ? sql.substring(0, sql.length() - 2) : sql.append("m.name ASC").toString();
  }
}
