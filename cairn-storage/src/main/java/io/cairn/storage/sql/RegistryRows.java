package io.cairn.storage.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.ModelStage;
import io.cairn.core.registry.ModelVersion;
import io.cairn.core.registry.OnnxDescription;
import io.cairn.core.registry.RegisteredModel;
import io.cairn.core.tracking.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads registry rows into records, loading the child rows of many at once. */
final class RegistryRows {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String MODEL_COLUMNS =
      "m.model_key, m.name, m.creation_timestamp,"
          + " m.last_updated_timestamp, m.description, m.user_id";
  static final String VERSION_COLUMNS =
      "v.mv_id, m.name, v.version, v.creation_timestamp,"
          + " v.last_updated_timestamp, v.user_id, v.current_stage, v.description, v.source,"
          + " v.storage_location, v.run_id, v.run_link, v.model_id, v.status, v.status_message";

  private RegistryRows() {}

  /** A version row with its surrogate key, before its child rows are attached. */
  record VersionRow(long id, ModelVersion version) {}

  static VersionRow versionRow(ResultSet rs) throws SQLException {
    return new VersionRow(
        rs.getLong("mv_id"),
        new ModelVersion(
            rs.getString("name"),
            rs.getLong("version"),
            rs.getLong("creation_timestamp"),
            rs.getLong("last_updated_timestamp"),
            rs.getString("user_id"),
            ModelStage.parse(rs.getString("current_stage")),
            rs.getString("description"),
            rs.getString("source"),
            rs.getString("storage_location"),
            rs.getString("run_id"),
            rs.getString("run_link"),
            rs.getString("model_id"),
            rs.getString("status"),
            rs.getString("status_message"),
            List.of(),
            List.of(),
            List.of()));
  }

  static List<ModelVersion> versions(Tx tx, List<VersionRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<Long, List<Tag>> tags = new HashMap<>();
    Map<Long, List<String>> aliases = new HashMap<>();
    Map<Long, List<ModelVersion.OnnxFile>> onnx = new HashMap<>();
    for (int from = 0; from < rows.size(); from += 500) {
      List<VersionRow> chunk = rows.subList(from, Math.min(rows.size(), from + 500));
      Object[] ids = chunk.stream().map(VersionRow::id).toArray();
      String in = "(" + Tx.placeholders(ids.length) + ")";
      tx.forEach(
          "SELECT mv_id, key, value FROM model_version_tags WHERE mv_id IN " + in + " ORDER BY key",
          rs ->
              tags.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                  .add(new Tag(rs.getString(2), rs.getString(3))),
          ids);
      tx.forEach(
          "SELECT mv_id, alias FROM registered_model_aliases WHERE mv_id IN "
              + in
              + " ORDER BY alias",
          rs -> aliases.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2)),
          ids);
      tx.forEach(
          "SELECT mv_id, path, description FROM model_version_onnx WHERE mv_id IN "
              + in
              + " ORDER BY path",
          rs ->
              onnx.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                  .add(new ModelVersion.OnnxFile(rs.getString(2), fromJson(rs.getString(3)))),
          ids);
    }
    List<ModelVersion> out = new ArrayList<>(rows.size());
    for (VersionRow row : rows) {
      ModelVersion v = row.version();
      out.add(
          new ModelVersion(
              v.name(),
              v.version(),
              v.creationTimestamp(),
              v.lastUpdatedTimestamp(),
              v.userId(),
              v.stage(),
              v.description(),
              v.source(),
              v.storageLocation(),
              v.runId(),
              v.runLink(),
              v.modelId(),
              v.status(),
              v.statusMessage(),
              tags.getOrDefault(row.id(), List.of()),
              aliases.getOrDefault(row.id(), List.of()),
              onnx.getOrDefault(row.id(), List.of())));
    }
    return out;
  }

  /** A registered model row with its surrogate key, before its child rows are attached. */
  record ModelRow(long key, RegisteredModel model) {}

  static ModelRow modelRow(ResultSet rs) throws SQLException {
    return new ModelRow(
        rs.getLong("model_key"),
        new RegisteredModel(
            rs.getString("name"),
            rs.getLong("creation_timestamp"),
            rs.getLong("last_updated_timestamp"),
            rs.getString("description"),
            rs.getString("user_id"),
            List.of(),
            Map.of(),
            List.of()));
  }

  static List<RegisteredModel> models(Tx tx, List<ModelRow> rows) throws SQLException {
    List<RegisteredModel> out = new ArrayList<>(rows.size());
    for (ModelRow row : rows) {
      long key = row.key();
      List<Tag> tags =
          tx.query(
              "SELECT key, value FROM registered_model_tags WHERE model_key = ?" + " ORDER BY key",
              r -> new Tag(r.getString(1), r.getString(2)),
              key);
      Map<String, Long> aliases = new LinkedHashMap<>();
      tx.forEach(
          "SELECT a.alias, v.version FROM registered_model_aliases a JOIN model_versions v"
              + " ON v.mv_id = a.mv_id WHERE a.model_key = ? ORDER BY a.alias",
          r -> aliases.put(r.getString(1), r.getLong(2)),
          key);
      List<VersionRow> latest =
          tx.query(
              "SELECT "
                  + VERSION_COLUMNS
                  + " FROM model_versions v"
                  + " JOIN registered_models m ON m.model_key = v.model_key WHERE v.model_key = ? AND"
                  + " v.version = (SELECT MAX(w.version) FROM model_versions w WHERE w.model_key ="
                  + " v.model_key AND w.current_stage = v.current_stage) ORDER BY v.version",
              RegistryRows::versionRow,
              key);
      RegisteredModel m = row.model();
      out.add(
          new RegisteredModel(
              m.name(),
              m.creationTimestamp(),
              m.lastUpdatedTimestamp(),
              m.description(),
              m.userId(),
              tags,
              aliases,
              versions(tx, latest)));
    }
    return out;
  }

  static String toJson(OnnxDescription d) {
    try {
      return JSON.writeValueAsString(d);
    } catch (JsonProcessingException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "Cannot store an ONNX description", e);
    }
  }

  static OnnxDescription fromJson(String json) {
    try {
      return JSON.readValue(json, OnnxDescription.class);
    } catch (JsonProcessingException e) {
      throw new CairnException(
          ErrorCode.INTERNAL_ERROR, "A stored ONNX description is unreadable", e);
    }
  }
}
