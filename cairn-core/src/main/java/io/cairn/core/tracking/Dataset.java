package io.cairn.core.tracking;

/**
 * A dataset as MLflow's {@code log_input} describes it. {@code schema} and {@code profile} are JSON
 * texts chosen by the client, or null.
 */
public record Dataset(
    String name, String digest, String sourceType, String source, String schema, String profile) {}
