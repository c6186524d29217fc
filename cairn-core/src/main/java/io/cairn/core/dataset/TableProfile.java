package io.cairn.core.dataset;

import java.util.List;

/**
 * The schema and per-column statistics of a table file, computed once per content (sha256). Or,
 * when the file could not be read as a table, {@code error} says why and the rest is empty.
 */
public record TableProfile(
    TableFormat format, long rows, List<ColumnProfile> columns, String error) {
  public TableProfile {
    columns = columns == null ? List.of() : List.copyOf(columns);
  }

  public static TableProfile unreadable(TableFormat format, String error) {
    return new TableProfile(format, 0, List.of(), error);
  }

  /**
   * One column. {@code type} is the SQL type the reader inferred (BIGINT, DOUBLE, VARCHAR, DATE,
   * ...). {@code distinct} is an estimate (HyperLogLog). Numeric columns have mean, std and
   * quartiles; others have their most frequent values. min/max are rendered as text.
   */
  public record ColumnProfile(
      String name,
      String type,
      long count,
      long missing,
      long distinct,
      String min,
      String max,
      Double mean,
      Double std,
      Double q25,
      Double q50,
      Double q75,
      List<TopValue> top) {
    public ColumnProfile {
      top = top == null ? List.of() : List.copyOf(top);
    }
  }

  /** A value and how many rows have it. */
  public record TopValue(String value, long count) {}
}
