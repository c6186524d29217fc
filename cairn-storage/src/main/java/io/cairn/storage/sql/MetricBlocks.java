package io.cairn.storage.sql;

import io.cairn.core.tracking.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The step blocks of a run's metric: for every block of 2^level steps, at each of {@link #LEVELS},
 * the number of points and the lowest and highest non-NaN point. Kept at ingest, they let {@link
 * MetricSampler} downsample a history of millions of points by reading a few thousand rows.
 */
final class MetricBlocks {
  /** Block widths 64, 512, 4096 and 32768 steps: each level 8 times the one below. */
  static final int[] LEVELS = {6, 9, 12, 15};

  /**
   * Folds one batch's block rows into the stored ones. Of two equal extremes the one with the lower
   * (step, timestamp) is kept, as a scan of the history in its order would keep it.
   */
  static final String UPSERT =
      "INSERT INTO metric_blocks (run_uuid, key, level, block, points, low_step, low_timestamp,"
          + " low_value, high_step, high_timestamp, high_value)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (run_uuid, key, level, block) DO UPDATE SET"
          + " points = metric_blocks.points + excluded.points,"
          + replace("low", "<")
          + ","
          + replace("high", ">");

  private MetricBlocks() {}

  /** The three SET clauses of one extreme: taken from the batch when it is further out. */
  private static String replace(String side, String further) {
    String n = "excluded." + side + "_";
    String o = "metric_blocks." + side + "_";
    String when =
        " CASE WHEN "
            + o
            + "value IS NULL OR "
            + n
            + "value "
            + further
            + " "
            + o
            + "value OR ("
            + n
            + "value = "
            + o
            + "value AND ("
            + n
            + "step, "
            + n
            + "timestamp) < ("
            + o
            + "step, "
            + o
            + "timestamp)) THEN ";
    List<String> sets = new ArrayList<>();
    for (String column : List.of("step", "timestamp", "value")) {
      sets.add(
          " " + side + "_" + column + " =" + when + n + column + " ELSE " + o + column + " END");
    }
    return String.join(",", sets);
  }

  /** The width in steps of a block at {@code level}. */
  static long width(int level) {
    return 1L << level;
  }

  /** One block's points and extremes. */
  static final class Block {
    long points;
    Metric low;
    Metric high;

    void add(Metric m) {
      points++;
      if (Double.isNaN(m.value())) {
        return;
      }
      if (low == null || m.value() < low.value() || (m.value() == low.value() && before(m, low))) {
        low = m;
      }
      if (high == null
          || m.value() > high.value()
          || (m.value() == high.value() && before(m, high))) {
        high = m;
      }
    }

    private static boolean before(Metric a, Metric b) {
      return a.step() != b.step() ? a.step() < b.step() : a.timestamp() < b.timestamp();
    }
  }

  private record Address(String key, int level, long block) {}

  /** The blocks one batch touches, folded in memory. */
  static final class Fold {
    private final Map<Address, Block> blocks = new LinkedHashMap<>();

    void add(Metric m) {
      for (int level : LEVELS) {
        long block = Math.floorDiv(m.step(), width(level));
        blocks.computeIfAbsent(new Address(m.key(), level, block), a -> new Block()).add(m);
      }
    }

    List<Object[]> rows(String runId) {
      List<Object[]> rows = new ArrayList<>(blocks.size());
      blocks.forEach(
          (a, b) ->
              rows.add(
                  new Object[] {
                    runId,
                    a.key(),
                    a.level(),
                    a.block(),
                    b.points,
                    b.low == null ? null : b.low.step(),
                    b.low == null ? null : b.low.timestamp(),
                    b.low == null ? null : b.low.value(),
                    b.high == null ? null : b.high.step(),
                    b.high == null ? null : b.high.timestamp(),
                    b.high == null ? null : b.high.value()
                  }));
      return rows;
    }
  }
}
