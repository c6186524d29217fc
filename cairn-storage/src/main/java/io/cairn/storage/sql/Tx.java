package io.cairn.storage.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A connection lent for one unit of work, with small helpers for statements. Not thread-safe; it
 * lives only inside {@link Database#read} or {@link Database#write}.
 */
public final class Tx {
  /** Maps the current row of a result set. */
  @FunctionalInterface
  public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Handles the current row of a result set. */
  @FunctionalInterface
  public interface RowHandler {
    void handle(ResultSet rs) throws SQLException;
  }

  private final Connection connection;
  private final Dialect dialect;

  Tx(Connection connection, Dialect dialect) {
    this.connection = connection;
    this.dialect = dialect;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Connection connection() {
    return connection;
  }

  public int update(String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      return ps.executeUpdate();
    }
  }

  /** Runs one statement for each row of arguments as a JDBC batch. */
  public void batch(String sql, List<Object[]> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (Object[] row : rows) {
        bind(ps, row);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  public <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        List<T> out = new ArrayList<>();
        while (rs.next()) {
          out.add(mapper.map(rs));
        }
        return out;
      }
    }
  }

  /** Handles each row as it is read, keeping none: for results too large to hold. */
  public void forEach(String sql, RowHandler handler, Object... args) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      ps.setFetchSize(1000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          handler.handle(rs);
        }
      }
    }
  }

  public <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... args)
      throws SQLException {
    List<T> rows = query(sql, mapper, args);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  static void bind(PreparedStatement ps, Object[] args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof Boolean b) {
        ps.setBoolean(i + 1, b);
      } else if (a instanceof Double d) {
        ps.setDouble(i + 1, d);
      } else if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof Integer n) {
        ps.setLong(i + 1, n);
      } else if (a == null) {
        ps.setNull(i + 1, java.sql.Types.NULL);
      } else {
        ps.setString(i + 1, a.toString());
      }
    }
  }

  /** A column that may be SQL NULL, as a boxed Long. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  /**
   * Inserts or overwrites key-value rows ({@code table(idColumn, key, value)}) for one owner; when
   * a key repeats in {@code values}, the last value wins. Table and column names come from code,
   * never from a request.
   */
  public <T> void upsertKeyValues(
      String table,
      String idColumn,
      Object id,
      List<T> values,
      java.util.function.Function<T, String> key,
      java.util.function.Function<T, String> value)
      throws SQLException {
    java.util.Map<String, String> last = new java.util.LinkedHashMap<>();
    values.forEach(v -> last.put(key.apply(v), value.apply(v)));
    List<Object[]> rows = new ArrayList<>(last.size());
    last.forEach((k, v) -> rows.add(new Object[] {id, k, v}));
    batch(
        "INSERT INTO "
            + table
            + " ("
            + idColumn
            + ", key, value) VALUES (?, ?, ?)"
            + " ON CONFLICT ("
            + idColumn
            + ", key) DO UPDATE SET value = excluded.value",
        rows);
  }

  /**
   * Inserts key/value rows that may never change, keeping rows already stored. Returns the stored
   * value of each key that was sent with a different one, in the order sent; the caller refuses the
   * write with its own message (rolling the transaction back).
   */
  public <T> java.util.Map<String, String> insertOnce(
      String table,
      String idColumn,
      Object id,
      List<T> values,
      java.util.function.Function<T, String> key,
      java.util.function.Function<T, String> value)
      throws SQLException {
    java.util.Map<String, String> conflicts = new java.util.LinkedHashMap<>();
    if (values.isEmpty()) {
      return conflicts;
    }
    List<Object[]> rows = new ArrayList<>(values.size());
    Object[] args = new Object[values.size() + 1];
    args[0] = id;
    for (int i = 0; i < values.size(); i++) {
      T v = values.get(i);
      rows.add(new Object[] {id, key.apply(v), value.apply(v)});
      args[i + 1] = key.apply(v);
    }
    String columns = " (" + idColumn + ", key";
    batch(
        "INSERT INTO "
            + table
            + columns
            + ", value) VALUES (?, ?, ?)"
            + " ON CONFLICT"
            + columns
            + ") DO NOTHING",
        rows);
    java.util.Map<String, String> stored = new java.util.HashMap<>();
    query(
        "SELECT key, value FROM "
            + table
            + " WHERE "
            + idColumn
            + " = ? AND key IN ("
            + placeholders(values.size())
            + ")",
        rs -> stored.put(rs.getString(1), rs.getString(2)),
        args);
    for (T v : values) {
      String old = stored.get(key.apply(v));
      if (old != null && !old.equals(value.apply(v))) {
        conflicts.put(key.apply(v), old);
      }
    }
    return conflicts;
  }

  /** {@code n} placeholders joined by commas. */
  public static String placeholders(int n) {
    return String.join(", ", java.util.Collections.nCopies(n, "?"));
  }
}
