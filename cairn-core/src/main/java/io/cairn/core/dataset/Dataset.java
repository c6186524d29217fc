package io.cairn.core.dataset;

import java.util.Map;

/**
 * A versioned dataset: its name (unique in its workspace), description, the number of its newest
 * version (0 before the first push; versions are never renumbered) and its tags, each naming one
 * version.
 */
public record Dataset(
    String name,
    DatasetInfo info,
    long createdTime,
    long lastUpdatedTime,
    long latestVersion,
    Map<String, Long> tags) {
  public Dataset {
    tags = Map.copyOf(tags);
  }
}
