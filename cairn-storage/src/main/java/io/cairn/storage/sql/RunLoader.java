package io.cairn.storage.sql;

import io.cairn.core.tracking.Dataset;
import io.cairn.core.tracking.DatasetInput;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.Metric;
import io.cairn.core.tracking.ModelOutput;
import io.cairn.core.tracking.Param;
import io.cairn.core.tracking.Run;
import io.cairn.core.tracking.RunInfo;
import io.cairn.core.tracking.RunStatus;
import io.cairn.core.tracking.Tag;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads whole runs: attributes first, then each kind of child row for many runs at once with {@code
 * IN} lists, so a page of 1000 runs costs a handful of queries, not thousands.
 */
final class RunLoader {
  static final String INFO_COLUMNS =
      "r.run_uuid, r.experiment_id, r.name, r.user_id, r.status,"
          + " r.start_time, r.end_time, r.lifecycle_stage, r.artifact_uri";
  private static final int CHUNK = 500;

  private RunLoader() {}

  static RunInfo info(ResultSet rs) throws SQLException {
    return new RunInfo(
        rs.getString("run_uuid"),
        rs.getString("name"),
        Long.toString(rs.getLong("experiment_id")),
        rs.getString("user_id"),
        RunStatus.parse(rs.getString("status")),
        rs.getLong("start_time"),
        Tx.nullableLong(rs, "end_time"),
        rs.getString("artifact_uri"),
        LifecycleStage.fromWire(rs.getString("lifecycle_stage")));
  }

  static double metricValue(ResultSet rs) throws SQLException {
    return rs.getBoolean("is_nan") ? Double.NaN : rs.getDouble("value");
  }

  static List<Run> load(Tx tx, List<RunInfo> infos) throws SQLException {
    Map<String, List<Metric>> metrics = new HashMap<>();
    Map<String, List<Param>> params = new HashMap<>();
    Map<String, List<Tag>> tags = new HashMap<>();
    Map<String, List<DatasetInput>> inputs = new HashMap<>();
    Map<String, List<String>> modelInputs = new HashMap<>();
    Map<String, List<ModelOutput>> outputs = new HashMap<>();
    for (int from = 0; from < infos.size(); from += CHUNK) {
      List<RunInfo> chunk = infos.subList(from, Math.min(infos.size(), from + CHUNK));
      Object[] ids = chunk.stream().map(RunInfo::runId).toArray();
      String in = "(" + Tx.placeholders(ids.length) + ")";
      collect(
          tx,
          "SELECT run_uuid, key, value, timestamp, step, is_nan FROM latest_metrics"
              + " WHERE run_uuid IN "
              + in
              + " ORDER BY key",
          metrics,
          rs ->
              new Metric(
                  rs.getString("key"),
                  metricValue(rs),
                  rs.getLong("timestamp"),
                  rs.getLong("step"),
                  null,
                  null,
                  null,
                  null),
          ids);
      collect(
          tx,
          "SELECT run_uuid, key, value FROM params WHERE run_uuid IN " + in + " ORDER BY key",
          params,
          rs -> new Param(rs.getString(2), rs.getString(3)),
          ids);
      collect(
          tx,
          "SELECT run_uuid, key, value FROM tags WHERE run_uuid IN " + in + " ORDER BY key",
          tags,
          rs -> new Tag(rs.getString(2), rs.getString(3)),
          ids);
      collect(
          tx,
          "SELECT run_uuid, model_id FROM run_model_inputs WHERE run_uuid IN "
              + in
              + " ORDER BY id",
          modelInputs,
          rs -> rs.getString(2),
          ids);
      collect(
          tx,
          "SELECT run_uuid, model_id, step FROM run_model_outputs WHERE run_uuid IN "
              + in
              + " ORDER BY id",
          outputs,
          rs -> new ModelOutput(rs.getString(2), rs.getLong(3)),
          ids);
      loadInputs(tx, in, ids, inputs);
    }
    List<Run> runs = new ArrayList<>(infos.size());
    for (RunInfo info : infos) {
      String id = info.runId();
      runs.add(
          new Run(
              info,
              metrics.getOrDefault(id, List.of()),
              params.getOrDefault(id, List.of()),
              tags.getOrDefault(id, List.of()),
              inputs.getOrDefault(id, List.of()),
              modelInputs.getOrDefault(id, List.of()),
              outputs.getOrDefault(id, List.of())));
    }
    return runs;
  }

  private static void loadInputs(
      Tx tx, String in, Object[] ids, Map<String, List<DatasetInput>> inputs) throws SQLException {
    Map<String, List<Tag>> inputTags = new HashMap<>();
    tx.query(
        "SELECT run_uuid, dataset_uuid, key, value FROM run_dataset_input_tags WHERE run_uuid IN "
            + in
            + " ORDER BY key",
        rs ->
            inputTags
                .computeIfAbsent(rs.getString(1) + "/" + rs.getString(2), k -> new ArrayList<>())
                .add(new Tag(rs.getString(3), rs.getString(4))),
        ids);
    collect(
        tx,
        "SELECT i.run_uuid, i.dataset_uuid, d.name, d.digest, d.source_type, d.source,"
            + " d.schema, d.profile FROM run_dataset_inputs i JOIN datasets d ON d.dataset_uuid ="
            + " i.dataset_uuid WHERE i.run_uuid IN "
            + in
            + " ORDER BY i.position",
        inputs,
        rs ->
            new DatasetInput(
                inputTags.getOrDefault(rs.getString(1) + "/" + rs.getString(2), List.of()),
                new Dataset(
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getString(7),
                    rs.getString(8))),
        ids);
  }

  private static <T> void collect(
      Tx tx, String sql, Map<String, List<T>> into, Tx.RowMapper<T> mapper, Object[] ids)
      throws SQLException {
    tx.query(
        sql,
        rs -> into.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(mapper.map(rs)),
        ids);
  }
}
