package io.cairn.core.tracking;

import io.cairn.core.search.OrderBy;

/**
 * One order of a logged-model search. When it orders by a metric, {@code datasetName} and {@code
 * datasetDigest} (each null for any) keep only the metric's values logged on that dataset, as
 * MLflow's {@code SearchLoggedModels.OrderBy} does.
 */
public record LoggedModelOrder(OrderBy by, String datasetName, String datasetDigest) {
  public LoggedModelOrder {
    datasetName = datasetName == null || datasetName.isEmpty() ? null : datasetName;
    datasetDigest = datasetDigest == null || datasetDigest.isEmpty() ? null : datasetDigest;
  }

  public LoggedModelOrder(OrderBy by) {
    this(by, null, null);
  }
}
