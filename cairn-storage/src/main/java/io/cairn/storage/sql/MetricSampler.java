package io.cairn.storage.sql;

import io.cairn.core.tracking.Metric;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Downsamples one run's metric history for charts. The step range is cut into equal buckets and
 * each bucket keeps its lowest and highest point, so a spike never disappears; the first and last
 * points are always kept. The result has at most {@code maxPoints} points, ordered by step.
 */
final class MetricSampler {
  private static final Comparator<Metric> ORDER =
      Comparator.comparingLong(Metric::step)
          .thenComparingLong(Metric::timestamp)
          .thenComparingDouble(Metric::value);

  private MetricSampler() {}

  static List<Metric> sample(
      Tx tx, String runId, String key, Long startStep, Long endStep, int maxPoints)
      throws SQLException {
    String range = startStep == null ? "" : " AND step >= ? AND step <= ?";
    Object[] args =
        startStep == null
            ? new Object[] {runId, key}
            : new Object[] {runId, key, startStep, endStep};
    long[] stats =
        tx.first(
                "SELECT COUNT(*), MIN(step), MAX(step) FROM metrics WHERE run_uuid = ?"
                    + " AND key = ?"
                    + range,
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)},
                args)
            .orElseThrow();
    String select =
        "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND"
            + " key = ?"
            + range
            + " ORDER BY step, timestamp, value";
    Tx.RowMapper<Metric> mapper =
        rs ->
            new Metric(
                key,
                RunLoader.metricValue(rs),
                rs.getLong("timestamp"),
                rs.getLong("step"),
                runId,
                null,
                null,
                null);
    if (stats[0] <= maxPoints) {
      return tx.query(select, mapper, args);
    }
    long minStep = stats[1];
    double span = (double) stats[2] - (double) minStep + 1;
    int buckets = Math.max(1, (maxPoints - 2) / 2);
    Metric[] low = new Metric[buckets];
    Metric[] high = new Metric[buckets];
    Metric[] ends = new Metric[2];
    tx.forEach(
        select,
        rs -> {
          Metric m = mapper.map(rs);
          if (ends[0] == null) {
            ends[0] = m;
          }
          ends[1] = m;
          int b =
              (int)
                  Math.max(
                      0,
                      Math.min(
                          buckets - 1,
                          (long) (((double) m.step() - (double) minStep) / span * buckets)));
          if (!Double.isNaN(m.value())) {
            if (low[b] == null || m.value() < low[b].value()) {
              low[b] = m;
            }
            if (high[b] == null || m.value() > high[b].value()) {
              high[b] = m;
            }
          }
        },
        args);
    TreeSet<Metric> kept = new TreeSet<>(ORDER);
    kept.add(ends[0]);
    kept.add(ends[1]);
    for (int b = 0; b < buckets; b++) {
      if (low[b] != null) {
        kept.add(low[b]);
        kept.add(high[b]);
      }
    }
    return new ArrayList<>(kept);
  }
}
