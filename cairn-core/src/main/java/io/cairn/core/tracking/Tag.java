package io.cairn.core.tracking;

import java.util.Objects;

/** A key-value tag on an experiment, run or logged model. Tags may be overwritten. */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
  }
}
