package io.cairn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/** Latency samples in nanoseconds, reported in milliseconds. */
final class Stats {
  private long[] v = new long[256];
  private int n;

  synchronized void add(long nanos) {
    if (n == v.length) {
      v = Arrays.copyOf(v, n * 2);
    }
    v[n++] = nanos;
  }

  synchronized int count() {
    return n;
  }

  /** Nearest-rank percentile in ms, or NaN without samples. */
  synchronized double pct(double p) {
    if (n == 0) {
      return Double.NaN;
    }
    long[] s = Arrays.copyOf(v, n);
    Arrays.sort(s);
    int rank = (int) Math.ceil(p / 100.0 * n);
    return s[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
  }

  synchronized double mean() {
    if (n == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += v[i];
    }
    return sum / n / 1e6;
  }

  void put(ObjectNode node, String prefix) {
    node.put(prefix + "n", count());
    putMs(node, prefix + "p50_ms", pct(50));
    putMs(node, prefix + "p99_ms", pct(99));
    putMs(node, prefix + "mean_ms", mean());
    putMs(node, prefix + "max_ms", pct(100));
  }

  static void putMs(ObjectNode node, String key, double ms) {
    if (Double.isNaN(ms)) {
      node.putNull(key);
    } else {
      node.put(key, Math.round(ms * 1000) / 1000.0);
    }
  }
}
