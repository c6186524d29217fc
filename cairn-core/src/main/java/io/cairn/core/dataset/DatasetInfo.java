package io.cairn.core.dataset;

import java.util.List;

/**
 * What describes a dataset, as its owner writes it. Every field may be null (not given). {@code
 * bbox} is a STAC/GeoJSON bounding box (west, south, east, north, or with heights 6 numbers);
 * {@code start}/{@code end} are RFC 3339 date-times (either may be null: an open interval); {@code
 * metadata} is a JSON object text, free for the owner.
 */
public record DatasetInfo(
    String description,
    String license,
    List<String> keywords,
    List<Double> bbox,
    String start,
    String end,
    String metadata) {
  public DatasetInfo {
    keywords = keywords == null ? null : List.copyOf(keywords);
    bbox = bbox == null ? null : List.copyOf(bbox);
  }

  public static DatasetInfo empty() {
    return new DatasetInfo(null, null, null, null, null, null, null);
  }

  /** This description with each field given in {@code patch} replacing ours. */
  public DatasetInfo merge(DatasetInfo patch) {
    return new DatasetInfo(
        patch.description != null ? patch.description : description,
        patch.license != null ? patch.license : license,
        patch.keywords != null ? patch.keywords : keywords,
        patch.bbox != null ? patch.bbox : bbox,
        patch.start != null ? patch.start : start,
        patch.end != null ? patch.end : end,
        patch.metadata != null ? patch.metadata : metadata);
  }
}
