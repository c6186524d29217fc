package io.cairn.core.dataset;

import java.util.Locale;
import java.util.Optional;

/** The tabular file formats Cairn profiles, recognised by the file's extension. */
public enum TableFormat {
  CSV,
  TSV,
  PARQUET;

  /** The format of a file path, or empty when it is not a table Cairn reads. */
  public static Optional<TableFormat> of(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
      return Optional.of(CSV);
    }
    if (p.endsWith(".tsv") || p.endsWith(".tsv.gz")) {
      return Optional.of(TSV);
    }
    if (p.endsWith(".parquet") || p.endsWith(".pq")) {
      return Optional.of(PARQUET);
    }
    return Optional.empty();
  }
}
