package io.cairn.storage.sql;

import io.cairn.core.tracking.Metric;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Downsamples one run's metric history for charts. The step range is cut into equal buckets and
 * each bucket keeps its lowest and highest point, so a spike never disappears; the first and last
 * points are always kept. The result has at most {@code maxPoints} points, ordered by step.
 *
 * <p>A long history is read from its {@link MetricBlocks}: the widest level whose blocks are at
 * most half a bucket wide, plus the raw points of the partial blocks at the two ends of the range,
 * so a million points cost a few thousand rows. Buckets are then whole runs of blocks (the partial
 * ends join the first and last bucket), so each bucket's lowest and highest points are exact.
 */
final class MetricSampler {
  static final Comparator<Metric> ORDER =
      Comparator.comparingLong(Metric::step)
          .thenComparingLong(Metric::timestamp)
          .thenComparingDouble(Metric::value);

  private final Tx tx;
  private final String runId;
  private final String key;

  private MetricSampler(Tx tx, String runId, String key) {
    this.tx = tx;
    this.runId = runId;
    this.key = key;
  }

  static List<Metric> sample(
      Tx tx, String runId, String key, Long startStep, Long endStep, int maxPoints)
      throws SQLException {
    return new MetricSampler(tx, runId, key).sample(startStep, endStep, maxPoints);
  }

  private List<Metric> sample(Long startStep, Long endStep, int maxPoints) throws SQLException {
    Optional<Boolean> blocked =
        tx.first(
            "SELECT blocked FROM latest_metrics WHERE run_uuid = ? AND key = ?",
            rs -> rs.getBoolean(1),
            runId,
            key);
    if (blocked.isEmpty()) {
      return List.of();
    }
    long from = startStep == null ? Long.MIN_VALUE : startStep;
    long to = endStep == null ? Long.MAX_VALUE : endStep;
    long present =
        tx.first(
                "SELECT COUNT(*) FROM (SELECT 1 FROM metrics WHERE run_uuid = ? AND key = ? AND"
                    + " step >= ? AND step <= ? LIMIT ?) AS t",
                rs -> rs.getLong(1),
                runId,
                key,
                from,
                to,
                maxPoints + 1)
            .orElseThrow();
    if (present <= maxPoints) {
      return points(from, to);
    }
    Metric first = end(from, to, "");
    Metric last = end(from, to, " DESC");
    if (maxPoints < 4) {
      return List.of(first, last).subList(0, Math.min(2, maxPoints));
    }
    Buckets buckets = new Buckets(first, last, (maxPoints - 2) / 2);
    int level = blocked.get() ? buckets.level() : -1;
    if (level < 0) {
      scan(buckets, first.step(), last.step());
      return buckets.kept();
    }
    long width = MetricBlocks.width(level);
    long firstBlock = Math.floorDiv(first.step(), width);
    if (Math.floorMod(first.step(), width) != 0) {
      firstBlock++;
    }
    long lastBlock = Math.floorDiv(last.step(), width);
    if (Math.floorMod(last.step(), width) != width - 1) {
      lastBlock--;
    }
    // A block is at most half the range wide, so some block lies whole inside it and the edge
    // products below stay within the range's steps.
    if (firstBlock > lastBlock) {
      scan(buckets, first.step(), last.step());
      return buckets.kept();
    }
    buckets.alignTo(firstBlock, lastBlock, width);
    if (first.step() < firstBlock * width) {
      scan(buckets, first.step(), firstBlock * width - 1);
    }
    tx.forEach(
        "SELECT low_step, low_timestamp, low_value, high_step, high_timestamp, high_value FROM"
            + " metric_blocks WHERE run_uuid = ? AND key = ? AND level = ? AND block >= ? AND"
            + " block <= ? AND low_value IS NOT NULL",
        rs -> {
          buckets.add(point(rs.getLong(1), rs.getLong(2), rs.getDouble(3)));
          buckets.add(point(rs.getLong(4), rs.getLong(5), rs.getDouble(6)));
        },
        runId,
        key,
        level,
        firstBlock,
        lastBlock);
    if (last.step() > lastBlock * width + width - 1) {
      scan(buckets, lastBlock * width + width, last.step());
    }
    return buckets.kept();
  }

  private Metric point(long step, long timestamp, double value) {
    return new Metric(key, value, timestamp, step, runId, null, null, null);
  }

  private Metric map(java.sql.ResultSet rs) throws SQLException {
    return point(rs.getLong("step"), rs.getLong("timestamp"), RunLoader.metricValue(rs));
  }

  private static final String SELECT =
      "SELECT value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND key = ? AND step"
          + " >= ? AND step <= ? ORDER BY step";

  private List<Metric> points(long from, long to) throws SQLException {
    return tx.query(SELECT + ", timestamp, value", this::map, runId, key, from, to);
  }

  /** The first (or, descending, the last) point of the range in MLflow's order. */
  private Metric end(long from, long to, String direction) throws SQLException {
    return tx.first(
            SELECT
                + direction
                + ", timestamp"
                + direction
                + ", value"
                + direction
                + ", is_nan"
                + direction
                + " LIMIT 1",
            this::map,
            runId,
            key,
            from,
            to)
        .orElseThrow();
  }

  private void scan(Buckets buckets, long from, long to) throws SQLException {
    tx.forEach(SELECT + ", timestamp, value", rs -> buckets.add(map(rs)), runId, key, from, to);
  }

  /** The lowest and highest non-NaN point of each bucket of the range. */
  private static final class Buckets {
    private final Metric first;
    private final Metric last;
    private final double span;
    private final Metric[] low;
    private final Metric[] high;
    private long firstBlock;
    private long width;
    private long blocksPerBucket;

    Buckets(Metric first, Metric last, int count) {
      this.first = first;
      this.last = last;
      this.span = (double) last.step() - (double) first.step() + 1;
      this.low = new Metric[count];
      this.high = new Metric[count];
    }

    /** The widest block level at most half a bucket wide, or -1 when buckets are too narrow. */
    int level() {
      double bucketWidth = span / low.length;
      int chosen = -1;
      for (int level : MetricBlocks.LEVELS) {
        if (MetricBlocks.width(level) <= bucketWidth / 2) {
          chosen = level;
        }
      }
      return chosen;
    }

    /** Makes each bucket a run of whole blocks of {@code width} steps. */
    void alignTo(long firstBlock, long lastBlock, long width) {
      this.firstBlock = firstBlock;
      this.width = width;
      long blocks = lastBlock - firstBlock + 1;
      this.blocksPerBucket = (blocks + low.length - 1) / low.length;
    }

    private int bucketOf(long step) {
      long b;
      if (blocksPerBucket > 0) {
        b = Math.floorDiv(Math.floorDiv(step, width) - firstBlock, blocksPerBucket);
      } else {
        b = (long) (((double) step - (double) first.step()) / span * low.length);
      }
      return (int) Math.max(0, Math.min(low.length - 1, b));
    }

    void add(Metric m) {
      if (Double.isNaN(m.value())) {
        return;
      }
      int b = bucketOf(m.step());
      if (low[b] == null || m.value() < low[b].value()) {
        low[b] = m;
      }
      if (high[b] == null || m.value() > high[b].value()) {
        high[b] = m;
      }
    }

    List<Metric> kept() {
      TreeSet<Metric> kept = new TreeSet<>(ORDER);
      kept.add(first);
      kept.add(last);
      for (int b = 0; b < low.length; b++) {
        if (low[b] != null) {
          kept.add(low[b]);
          kept.add(high[b]);
        }
      }
      return new ArrayList<>(kept);
    }
  }
}
