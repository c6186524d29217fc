package io.cairn.core.tracking;

import io.cairn.core.search.OrderBy;
import io.cairn.core.search.PageToken;
import java.util.List;

/**
 * Where a page of a run search ordered by one metric starts: after the run with this sort key. The
 * order is the metric's latest value (runs with a number first, then NaN, then runs without the
 * metric: the {@code segment} 0, 1 or 2), then start time descending, then run id, as MLflow
 * orders. Such pages continue with an index seek however deep they are, and a run logged meanwhile
 * shifts no page.
 */
public record RunCursor(int segment, double value, long startTime, String runId) {
  public static final int NUMBER = 0;
  public static final int NAN = 1;
  public static final int ABSENT = 2;

  /** Whether a search in this order pages by cursor: exactly one order_by, a metric's value. */
  public static boolean fits(List<OrderBy> orderBy) {
    return orderBy.size() == 1 && orderBy.get(0).byLatestMetric();
  }

  /** The cursor after {@code run} in a search ordered by the metric {@code key}. */
  static RunCursor after(Run run, String key) {
    for (Metric m : run.metrics()) {
      if (m.key().equals(key)) {
        return Double.isNaN(m.value())
            ? new RunCursor(NAN, 0, run.info().startTime(), run.info().runId())
            : new RunCursor(NUMBER, m.value(), run.info().startTime(), run.info().runId());
      }
    }
    return new RunCursor(ABSENT, 0, run.info().startTime(), run.info().runId());
  }

  /** The page token. */
  String token() {
    return PageToken.encodeAfter(runId, segment, Double.doubleToLongBits(value), startTime);
  }

  /** The cursor a token holds, null for none or an offset token. */
  static RunCursor of(String token) {
    PageToken.After after = PageToken.decodeAfterId(token, 3);
    if (after == null) {
      return null;
    }
    long segment = after.key()[0];
    if (segment < NUMBER || segment > ABSENT) {
      throw PageToken.invalid(token);
    }
    return new RunCursor(
        (int) segment, Double.longBitsToDouble(after.key()[1]), after.key()[2], after.id());
  }
}
