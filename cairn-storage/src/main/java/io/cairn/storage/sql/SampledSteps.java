package io.cairn.storage.sql;

import io.cairn.core.tracking.Metric;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The steps MLflow's get-history-bulk-interval returns (its store's {@code
 * get_metric_history_bulk_interval}, and the answer its own server test expects): the distinct
 * steps the runs logged between {@code start_step} and {@code end_step} (without them, from 0 to
 * the highest step), pooled across the runs; when there are more than {@code max_results}, those at
 * positions {@code int(i * count / max_results)} for {@code i < max_results}, plus the last; plus
 * each run's lowest and highest step when they lie in that range. Each run then answers with its
 * points at those steps. {@link MetricSampler} adds Cairn's extremes on top.
 *
 * <p>Cost: when every run's steps are one unbroken run of integers, one point each (what ingest
 * records in latest_metrics: the usual {@code step=0, 1, 2, ...} logging), the steps are chosen by
 * arithmetic ({@link DenseSteps}) from one summary row per run. Otherwise MLflow's choice needs
 * every distinct step: they are read from the metrics primary key (run, key, step, ...) twice, to
 * count and to pick, holding only the chosen ones; an index-only walk proportional to the points in
 * the range (about 60-250 ms for 100,000 points, 1-2.5 s for a million, on this project's test
 * machine), see docs/architecture.md.
 */
final class SampledSteps {
  /** The most points one run answers at the chosen steps (MLflow's history page). */
  static final int MAX_POINTS_PER_RUN = 25_000;

  private SampledSteps() {}

  static List<Long> choose(
      Tx tx, Collection<String> runIds, String key, Long startStep, Long endStep, int maxResults)
      throws SQLException {
    List<long[]> spans = denseSpans(tx, runIds, key);
    if (spans != null) {
      return DenseSteps.choose(spans, startStep, endStep, maxResults);
    }
    long from = startStep == null ? 0 : startStep;
    Long to = endStep;
    if (to == null) {
      to =
          tx.first(
                  "SELECT MAX(step) FROM metrics WHERE run_uuid IN ("
                      + Tx.placeholders(runIds.size())
                      + ") AND key = ?",
                  rs -> rs.getObject(1) == null ? null : rs.getLong(1),
                  args(runIds, key).toArray())
              .orElse(null);
      if (to == null) {
        return List.of();
      }
    }
    String where =
        " FROM metrics WHERE run_uuid IN ("
            + Tx.placeholders(runIds.size())
            + ") AND key = ? AND step >= ? AND step <= ?";
    List<Object> args = args(runIds, key);
    args.add(from);
    args.add(to);
    long count =
        tx.first("SELECT COUNT(DISTINCT step)" + where, rs -> rs.getLong(1), args.toArray())
            .orElse(0L);
    TreeSet<Long> chosen = new TreeSet<>();
    if (count > 0) {
      TreeSet<Long> positions = new TreeSet<>();
      if (count <= maxResults) {
        positions.add(-1L);
      } else {
        double interval = (double) count / maxResults;
        for (int i = 0; i < maxResults; i++) {
          positions.add((long) (i * interval));
        }
        positions.add(count - 1);
      }
      long[] at = {0};
      tx.forEach(
          "SELECT DISTINCT step" + where + " ORDER BY step",
          rs -> {
            if (positions.first() < 0 || positions.contains(at[0])) {
              chosen.add(rs.getLong(1));
            }
            at[0]++;
          },
          args.toArray());
    }
    for (String runId : runIds) {
      long[] bounds = new long[2];
      boolean any =
          tx.first(
                  "SELECT MIN(step), MAX(step) FROM metrics WHERE run_uuid = ? AND key = ?",
                  rs -> {
                    bounds[0] = rs.getLong(1);
                    bounds[1] = rs.getLong(2);
                    return rs.getObject(1) != null;
                  },
                  runId,
                  key)
              .orElse(false);
      for (long b : bounds) {
        if (any && b >= from && b <= to) {
          chosen.add(b);
        }
      }
    }
    return new ArrayList<>(chosen);
  }

  /**
   * Each run's [lowest, highest] step when every run that has the key logged exactly the steps in
   * between, one point each (kept at ingest in latest_metrics); null when some run did not.
   */
  private static List<long[]> denseSpans(Tx tx, Collection<String> runIds, String key)
      throws SQLException {
    List<Object> args = new ArrayList<>(runIds);
    args.add(key);
    List<long[]> spans = new ArrayList<>();
    boolean[] allDense = {true};
    tx.forEach(
        "SELECT min_step, step, dense FROM latest_metrics WHERE run_uuid IN ("
            + Tx.placeholders(runIds.size())
            + ") AND key = ?",
        rs -> {
          long min = rs.getLong(1);
          boolean known = !rs.wasNull();
          if (known && rs.getBoolean(3)) {
            spans.add(new long[] {min, rs.getLong(2)});
          } else {
            allDense[0] = false;
          }
        },
        args.toArray());
    return allDense[0] ? spans : null;
  }

  /** One run's points at the chosen steps, by step, timestamp and value. */
  static List<Metric> points(Tx tx, String runId, String key, List<Long> steps)
      throws SQLException {
    if (steps.isEmpty()) {
      return List.of();
    }
    List<Object> args = new ArrayList<>();
    String sql;
    if (tx.dialect() == Dialect.POSTGRESQL) {
      // One index probe per step whatever the planner's statistics say: with an IN list or = ANY
      // of a thousand steps it walked the run's whole history (0.3 s to 46 s for a million points
      // before the table was analyzed).
      args.add("{" + String.join(",", steps.stream().map(String::valueOf).toList()) + "}");
      sql =
          "SELECT m.value, m.timestamp, m.step, m.is_nan FROM unnest(CAST(? AS bigint[])) AS"
              + " s(step) CROSS JOIN LATERAL (SELECT value, timestamp, step, is_nan FROM metrics"
              + " WHERE run_uuid = ? AND key = ? AND step = s.step) AS m";
      args.add(runId);
      args.add(key);
    } else {
      args.add(runId);
      args.add(key);
      args.addAll(steps);
      sql =
          "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND"
              + " step IN ("
              + Tx.placeholders(steps.size())
              + ")";
    }
    args.add(MAX_POINTS_PER_RUN);
    return tx.query(
        sql + " ORDER BY step, timestamp, value, is_nan LIMIT ?",
        rs ->
            new Metric(
                key,
                RunLoader.metricValue(rs),
                rs.getLong("timestamp"),
                rs.getLong("step"),
                runId,
                null,
                null,
                null),
        args.toArray());
  }

  private static List<Object> args(Collection<String> runIds, String key) {
    List<Object> args = new ArrayList<>(runIds);
    args.add(key);
    return args;
  }
}
