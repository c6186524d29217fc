package io.cairn.core.tracking;

import java.util.Objects;

/** A run or logged-model parameter. Once logged, its value never changes. */
public record Param(String key, String value) {
  public Param {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
  }
}
