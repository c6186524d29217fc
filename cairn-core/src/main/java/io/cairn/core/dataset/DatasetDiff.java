package io.cairn.core.dataset;

import java.util.List;

/**
 * What changed from one dataset version to another: files added, removed, renamed (same content,
 * new path) and changed (same path, new content); for a changed table, how its rows, columns and
 * statistics moved.
 */
public record DatasetDiff(
    String dataset,
    long from,
    long to,
    List<DatasetFile> added,
    List<DatasetFile> removed,
    List<Rename> renamed,
    List<Change> changed,
    long unchanged) {
  public DatasetDiff {
    added = List.copyOf(added);
    removed = List.copyOf(removed);
    renamed = List.copyOf(renamed);
    changed = List.copyOf(changed);
  }

  /** The same content moved from one path to another. */
  public record Rename(String from, String to, String sha256, long size) {}

  /** A path whose content changed; {@code table} is null for a file that is not a table. */
  public record Change(String path, DatasetFile before, DatasetFile after, TableChange table) {}

  /**
   * How a table changed. {@code rowsAdded}/{@code rowsRemoved} count whole rows (as multisets) and
   * are null when the columns differ; {@code shifts} pair each common column's statistics.
   */
  public record TableChange(
      long rowsBefore,
      long rowsAfter,
      Long rowsAdded,
      Long rowsRemoved,
      List<String> columnsAdded,
      List<String> columnsRemoved,
      List<TypeChange> typeChanges,
      List<ColumnShift> shifts,
      String error) {
    public TableChange {
      columnsAdded = List.copyOf(columnsAdded);
      columnsRemoved = List.copyOf(columnsRemoved);
      typeChanges = List.copyOf(typeChanges);
      shifts = List.copyOf(shifts);
    }
  }

  /** A column whose type changed. */
  public record TypeChange(String column, String before, String after) {}

  /** A column's statistics before and after. */
  public record ColumnShift(
      String column, TableProfile.ColumnProfile before, TableProfile.ColumnProfile after) {}
}
