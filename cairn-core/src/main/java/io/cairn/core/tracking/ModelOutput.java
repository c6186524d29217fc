package io.cairn.core.tracking;

/** A logged model that a run produced, at a step. */
public record ModelOutput(String modelId, long step) {}
