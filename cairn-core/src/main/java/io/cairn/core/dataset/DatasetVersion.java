package io.cairn.core.dataset;

import java.util.List;

/**
 * An immutable version of a dataset. {@code digest} is the sha256 of its manifest (see {@link
 * Manifest#digest}), equal for two versions exactly when they hold the same files; {@code parent}
 * is the version it was made from, or null. A deprecated version is kept because a run or a model
 * version used it, but is no longer offered as the latest. {@code tags} are the tags naming it now.
 */
public record DatasetVersion(
    String dataset,
    long version,
    String message,
    String author,
    Long parent,
    long createdTime,
    String digest,
    long fileCount,
    long totalBytes,
    String metadata,
    boolean deprecated,
    List<String> tags) {
  public DatasetVersion {
    tags = List.copyOf(tags);
  }
}
