package io.cairn.core.search;

import java.util.Objects;

/** A resolved identifier: {@code metrics.loss} is (METRIC, "loss", LAST). */
public record Identifier(EntityType type, String key, Aggregate aggregate) {
  public Identifier {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    aggregate = aggregate == null ? Aggregate.LAST : aggregate;
  }

  public static Identifier of(EntityType type, String key) {
    return new Identifier(type, key, Aggregate.LAST);
  }
}
