package io.cairn.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The search data set, the same on every server: run i is named run-NNNNNNN, started at
 * BASE_TS + i, with 20 params, 10 metrics (step 0) and 5 tags, all derived from i alone.
 */
final class SearchData {
  static final String EXPERIMENT = "bench-search";
  static final int PARAMS = 20;
  static final int METRICS = 10;
  static final int TAGS = 5;
  static final String FILTER = "metrics.m0 > 0.2";
  static final String ORDER_BY = "metrics.m1 DESC";

  private SearchData() {}

  static String name(int i) {
    return String.format("run-%07d", i);
  }

  static long startTime(int i) {
    return Ingest.BASE_TS + i;
  }

  static double[] metrics(int i) {
    SplittableRandom r = new SplittableRandom(0x5eed_0000L + i);
    double[] m = new double[METRICS];
    for (int k = 0; k < METRICS; k++) {
      // Full doubles: no ties in the order_by metric, and Double.toString round-trips exactly.
      m[k] = r.nextDouble();
    }
    return m;
  }

  static String paramValue(int i, int p) {
    return "v" + (i * 7 + p) % 50;
  }

  static String tagValue(int i, int t) {
    return "tag-" + i % (10 + t);
  }

  static String logBatchBody(String runId, int i) {
    StringBuilder sb = new StringBuilder(2048);
    sb.append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
    double[] m = metrics(i);
    for (int k = 0; k < METRICS; k++) {
      if (k > 0) {
        sb.append(',');
      }
      sb.append("{\"key\":\"m")
          .append(k)
          .append("\",\"value\":")
          .append(m[k])
          .append(",\"timestamp\":")
          .append(startTime(i))
          .append(",\"step\":0}");
    }
    sb.append("],\"params\":[");
    for (int p = 0; p < PARAMS; p++) {
      if (p > 0) {
        sb.append(',');
      }
      sb.append("{\"key\":\"p")
          .append(p)
          .append("\",\"value\":\"")
          .append(paramValue(i, p))
          .append("\"}");
    }
    sb.append("],\"tags\":[");
    for (int t = 0; t < TAGS; t++) {
      if (t > 0) {
        sb.append(',');
      }
      sb.append("{\"key\":\"t")
          .append(t)
          .append("\",\"value\":\"")
          .append(tagValue(i, t))
          .append("\"}");
    }
    return sb.append("]}").toString();
  }

  /** Run names in the order the benchmark's search must return them, over runs 0..n-1. */
  static List<String> expectedOrder(int n) {
    double[][] all = new double[n][];
    for (int i = 0; i < n; i++) {
      all[i] = metrics(i);
    }
    // MLflow's order: the metric descending, then start_time descending, then run id.
    List<Integer> idx =
        new ArrayList<>(IntStream.range(0, n).filter(i -> all[i][0] > 0.2).boxed().toList());
    idx.sort(
        Comparator.<Integer>comparingDouble(i -> -all[i][1])
            .thenComparing(i -> -startTime(i)));
    List<String> names = new ArrayList<>(idx.size());
    for (int i : idx) {
      names.add(name(i));
    }
    return names;
  }
}
