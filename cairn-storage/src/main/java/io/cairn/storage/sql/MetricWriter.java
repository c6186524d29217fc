package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;
import io.cairn.core.tracking.Metric;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes metric points and keeps each run's per-key summary (latest point, minimum, maximum) and
 * its step blocks ({@link MetricBlocks}) up to date in the same transaction. A batch is first
 * folded per key in memory, so the summary tables take one upsert per key and block, not per point.
 */
final class MetricWriter {
  /** The fold of one key's points within a batch. */
  private static final class Summary {
    Metric latest;
    Double min;
    Double max;
    long minStep;
    long lastStep;

    /** Whether the batch's steps so far are minStep, minStep + 1, ... in order, one point each. */
    boolean dense;

    void add(Metric m) {
      if (latest == null) {
        minStep = m.step();
        dense = true;
      } else {
        dense = dense && lastStep != Long.MAX_VALUE && m.step() == lastStep + 1;
        minStep = Math.min(minStep, m.step());
      }
      lastStep = m.step();
      if (latest == null || newer(m, latest)) {
        latest = m;
      }
      double v = m.value();
      if (!Double.isNaN(v)) {
        min = min == null ? v : Math.min(min, v);
        max = max == null ? v : Math.max(max, v);
      }
    }
  }

  /**
   * One batch's rows for each table. They are built before the transaction, so the database's write
   * lock (SQLite has one for the whole file) is held only while the statements run.
   */
  record Rows(
      String runId,
      List<Metric> metrics,
      List<Object[]> latest,
      List<Object[]> blocks,
      List<Object[]> modelPoints) {}

  static Rows rows(String runId, List<Metric> metrics) {
    List<Object[]> modelPoints = new ArrayList<>();
    Map<String, Summary> summaries = new LinkedHashMap<>();
    MetricBlocks.Fold blocks = new MetricBlocks.Fold();
    for (Metric m : metrics) {
      blocks.add(m);
      summaries.computeIfAbsent(m.key(), k -> new Summary()).add(m);
      if (m.modelId() != null && !m.modelId().isEmpty()) {
        boolean nan = Double.isNaN(m.value());
        modelPoints.add(
            new Object[] {
              m.modelId(),
              m.key(),
              m.step(),
              m.timestamp(),
              nan ? 0.0 : m.value(),
              nan,
              runId,
              nullToEmpty(m.datasetName()),
              nullToEmpty(m.datasetDigest())
            });
      }
    }
    return new Rows(runId, metrics, summaryRows(runId, summaries), blocks.rows(runId), modelPoints);
  }

  void write(Tx tx, Rows rows) throws SQLException {
    if (rows.metrics().isEmpty()) {
      return;
    }
    insertPoints(tx, rows.runId(), rows.metrics());
    tx.batch(latestUpsert(tx.dialect()), rows.latest());
    tx.batch(MetricBlocks.UPSERT, rows.blocks());
    try {
      tx.batch(
          "INSERT INTO logged_model_metrics (model_id, key, step, timestamp, value, is_nan,"
              + " run_uuid, dataset_name, dataset_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
              + " ON CONFLICT DO NOTHING",
          rows.modelPoints());
    } catch (SQLException e) {
      if (Database.isForeignKeyViolation(e)) {
        throw CairnException.notFound(
            "Logged model %s not found: metrics can only be linked to existing logged models",
            rows.modelPoints().stream().map(r -> String.valueOf(r[0])).distinct().toList());
      }
      throw e;
    }
  }

  /**
   * The points themselves: on PostgreSQL one statement that unnests an array per column (one parse,
   * one bind, one round trip for the whole batch); on SQLite, where statements cost no round trip,
   * a JDBC batch.
   */
  private static void insertPoints(Tx tx, String runId, List<Metric> metrics) throws SQLException {
    int n = metrics.size();
    if (tx.dialect() == Dialect.POSTGRESQL) {
      String[] keys = new String[n];
      long[] steps = new long[n];
      long[] timestamps = new long[n];
      double[] values = new double[n];
      boolean[] nans = new boolean[n];
      for (int i = 0; i < n; i++) {
        Metric m = metrics.get(i);
        keys[i] = m.key();
        steps[i] = m.step();
        timestamps[i] = m.timestamp();
        nans[i] = Double.isNaN(m.value());
        values[i] = nans[i] ? 0.0 : m.value();
      }
      try (PreparedStatement ps =
          tx.connection()
              .prepareStatement(
                  "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan)"
                      + " SELECT ?, k, s, t, v, n FROM unnest(?::text[], ?::bigint[],"
                      + " ?::bigint[], ?::float8[], ?::boolean[]) AS u (k, s, t, v, n)"
                      + " ON CONFLICT DO NOTHING")) {
        ps.setString(1, runId);
        ps.setObject(2, keys);
        ps.setObject(3, steps);
        ps.setObject(4, timestamps);
        ps.setObject(5, values);
        ps.setObject(6, nans);
        ps.executeUpdate();
      }
      return;
    }
    List<Object[]> points = new ArrayList<>(n);
    for (Metric m : metrics) {
      boolean nan = Double.isNaN(m.value());
      points.add(
          new Object[] {runId, m.key(), m.step(), m.timestamp(), nan ? 0.0 : m.value(), nan});
    }
    tx.batch(
        "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        points);
  }

  private static List<Object[]> summaryRows(String runId, Map<String, Summary> summaries) {
    List<Object[]> rows = new ArrayList<>(summaries.size());
    summaries.forEach(
        (key, s) -> {
          boolean nan = Double.isNaN(s.latest.value());
          rows.add(
              new Object[] {
                runId,
                key,
                nan ? 0.0 : s.latest.value(),
                s.latest.timestamp(),
                s.latest.step(),
                nan,
                s.min,
                s.max,
                true,
                s.minStep,
                s.dense
              });
        });
    return rows;
  }

  /**
   * The summary upsert. SET expressions see the row as it was before the update, so each column
   * compares the new point with the old latest one by (step, timestamp, value), MLflow's order.
   */
  private static String latestUpsert(Dialect d) {
    String newer =
        "(excluded.step, excluded.timestamp, excluded.value) >= (latest_metrics.step,"
            + " latest_metrics.timestamp, latest_metrics.value)";
    // blocked is set only when the row is created: a key first logged before metric_blocks existed
    // keeps false.
    // dense stays true only while each batch continues right after the highest step so far; a key
    // first logged before min_step existed keeps it null and dense false.
    return "INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan, min_value,"
        + " max_value, blocked, min_step, dense) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON"
        + " CONFLICT (run_uuid, key) DO UPDATE SET"
        + " min_step = CASE WHEN latest_metrics.min_step IS NULL THEN NULL ELSE "
        + d.least("latest_metrics.min_step", "excluded.min_step")
        + " END,"
        + " dense = CASE WHEN latest_metrics.dense AND excluded.dense AND latest_metrics.step < "
        + Long.MAX_VALUE
        + " THEN latest_metrics.step + 1 = excluded.min_step ELSE FALSE END,"
        + " value = CASE WHEN "
        + newer
        + " THEN excluded.value ELSE latest_metrics.value END,"
        + " timestamp = CASE WHEN "
        + newer
        + " THEN excluded.timestamp"
        + " ELSE latest_metrics.timestamp END,"
        + " step = CASE WHEN "
        + newer
        + " THEN excluded.step ELSE latest_metrics.step END,"
        + " is_nan = CASE WHEN "
        + newer
        + " THEN excluded.is_nan ELSE latest_metrics.is_nan END,"
        + " min_value = COALESCE("
        + d.least("latest_metrics.min_value", "excluded.min_value")
        + ", latest_metrics.min_value, excluded.min_value),"
        + " max_value = COALESCE("
        + d.greatest("latest_metrics.max_value", "excluded.max_value")
        + ", latest_metrics.max_value, excluded.max_value)";
  }

  static boolean newer(Metric a, Metric b) {
    if (a.step() != b.step()) {
      return a.step() > b.step();
    }
    if (a.timestamp() != b.timestamp()) {
      return a.timestamp() > b.timestamp();
    }
    return Double.compare(a.value(), b.value()) >= 0;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
