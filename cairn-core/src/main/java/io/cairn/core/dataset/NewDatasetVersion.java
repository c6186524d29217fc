package io.cairn.core.dataset;

import java.util.List;

/**
 * What a push asks to record. {@code parent} null means "the dataset's latest version"; {@code
 * allowUnchanged} makes a new version even when the files equal the parent's.
 */
public record NewDatasetVersion(
    List<DatasetFile> files,
    String message,
    String author,
    Long parent,
    List<String> tags,
    String metadata,
    boolean allowUnchanged) {
  public NewDatasetVersion {
    files = List.copyOf(files);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }
}
