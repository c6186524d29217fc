package io.cairn.core.tracking;

/**
 * A dataset that logged-model metrics were logged on, as {@code search_logged_models} names one:
 * metrics logged with this dataset name and, when a digest is given, this digest. An empty name
 * matches no metric (metrics logged without a dataset have none).
 */
public record MetricDataset(String name, String digest) {
  public MetricDataset {
    name = name == null ? "" : name;
    digest = digest == null || digest.isEmpty() ? null : digest;
  }
}
