package io.cairn.core.tracking;

/**
 * Where a page of metric history starts: after the point with this sort key (a NaN value is kept as
 * 0 with the flag set, as stored).
 */
public record HistoryCursor(long step, long timestamp, double value, boolean nan) {}
