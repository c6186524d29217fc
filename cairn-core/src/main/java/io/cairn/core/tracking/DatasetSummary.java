package io.cairn.core.tracking;

/**
 * One dataset some run of an experiment used, with the context its input was tagged with ({@code
 * mlflow.data.context}, e.g. "training"; null when untagged): MLflow's DatasetSummary.
 */
public record DatasetSummary(String experimentId, String name, String digest, String context) {}
