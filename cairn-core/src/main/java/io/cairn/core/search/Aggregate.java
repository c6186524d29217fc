package io.cairn.core.search;

/**
 * Cairn's per-run metric summaries, written {@code min(metrics.loss)}, {@code max(metrics.loss)}
 * and {@code last(metrics.loss)} in filters and order_by. Parentheses never occur in MLflow keys,
 * so the syntax cannot clash with a metric named {@code loss.min}. {@code last} is what a bare
 * {@code metrics.loss} means.
 */
public enum Aggregate {
  LAST,
  MIN,
  MAX
}
