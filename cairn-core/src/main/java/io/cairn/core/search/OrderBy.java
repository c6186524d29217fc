package io.cairn.core.search;

/** One order_by clause. */
public record OrderBy(Identifier identifier, boolean ascending) {
  /** Whether this orders by a metric's latest value (not its min or max). */
  public boolean byLatestMetric() {
    return identifier.type() == EntityType.METRIC && identifier.aggregate() == Aggregate.LAST;
  }
}
