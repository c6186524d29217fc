package io.cairn.storage.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * MLflow's evenly spaced steps ({@link SampledSteps}) for runs whose steps are each an unbroken
 * span of integers: the pooled distinct steps are then the union of the spans, and the step at any
 * position is found by arithmetic, without reading a point.
 */
final class DenseSteps {
  private DenseSteps() {}

  /** {@code spans}: each run's [lowest, highest] step. */
  static List<Long> choose(List<long[]> spans, Long startStep, Long endStep, int maxResults) {
    if (spans.isEmpty()) {
      return List.of();
    }
    long from = startStep == null ? 0 : startStep;
    long to = endStep == null ? spans.stream().mapToLong(s -> s[1]).max().orElseThrow() : endStep;
    List<long[]> union = union(spans, from, to);
    long count = 0;
    for (long[] u : union) {
      count += u[1] - u[0] + 1;
    }
    TreeSet<Long> chosen = new TreeSet<>();
    if (count <= maxResults) {
      for (long[] u : union) {
        for (long step = u[0]; ; step++) {
          chosen.add(step);
          if (step == u[1]) {
            break;
          }
        }
      }
    } else {
      double interval = (double) count / maxResults;
      for (int i = 0; i < maxResults; i++) {
        chosen.add(at(union, (long) (i * interval)));
      }
      chosen.add(at(union, count - 1));
    }
    for (long[] s : spans) {
      for (long bound : s) {
        if (bound >= from && bound <= to) {
          chosen.add(bound);
        }
      }
    }
    return new ArrayList<>(chosen);
  }

  /** The spans clipped to [from, to], merged where they overlap or touch, in order. */
  private static List<long[]> union(List<long[]> spans, long from, long to) {
    List<long[]> clipped = new ArrayList<>();
    for (long[] s : spans) {
      long lo = Math.max(s[0], from);
      long hi = Math.min(s[1], to);
      if (lo <= hi) {
        clipped.add(new long[] {lo, hi});
      }
    }
    clipped.sort((a, b) -> Long.compare(a[0], b[0]));
    List<long[]> merged = new ArrayList<>();
    for (long[] s : clipped) {
      long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && (last[1] == Long.MAX_VALUE || s[0] <= last[1] + 1)) {
        last[1] = Math.max(last[1], s[1]);
      } else {
        merged.add(s.clone());
      }
    }
    return merged;
  }

  /** The step at {@code position} (from 0) of the merged spans. */
  private static long at(List<long[]> union, long position) {
    long left = position;
    for (long[] u : union) {
      long size = u[1] - u[0] + 1;
      if (left < size) {
        return u[0] + left;
      }
      left -= size;
    }
    throw new IllegalArgumentException("position " + position + " is past the steps");
  }
}
