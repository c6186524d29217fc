package io.cairn.core.dataset;

import java.nio.file.Path;

/**
 * Reads table files out of core. Implementations must not hold whole tables in the Java heap.
 * Thread-safe.
 */
public interface TableProfiler {
  /**
   * The schema and statistics of a file; a file that is not a readable table gives a profile with
   * an error.
   */
  TableProfile profile(Path file, TableFormat format);

  /**
   * Rows of {@code after} not in {@code before} and the reverse, counted as multisets over whole
   * rows; only meaningful when both have the same columns.
   */
  RowChanges compareRows(
      Path before, TableFormat beforeFormat, Path after, TableFormat afterFormat);

  /** Rows added and removed between two tables. */
  record RowChanges(long added, long removed) {}
}
