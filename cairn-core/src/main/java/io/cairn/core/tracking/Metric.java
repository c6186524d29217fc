package io.cairn.core.tracking;

import java.util.Objects;

/**
 * One metric point. {@code value} may be NaN or infinite, as MLflow allows. The optional fields
 * ({@code runId}, {@code modelId}, {@code datasetName}, {@code datasetDigest}) are null when
 * absent.
 */
public record Metric(
    String key,
    double value,
    long timestamp,
    long step,
    String runId,
    String modelId,
    String datasetName,
    String datasetDigest) {
  public Metric {
    Objects.requireNonNull(key, "key");
  }

  public static Metric of(String key, double value, long timestamp, long step) {
    return new Metric(key, value, timestamp, step, null, null, null, null);
  }

  public Metric withRunId(String id) {
    return new Metric(key, value, timestamp, step, id, modelId, datasetName, datasetDigest);
  }
}
