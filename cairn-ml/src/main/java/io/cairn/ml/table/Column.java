package io.cairn.ml.table;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A column of a table as DuckDB's reader sees it: its name, its SQL type and what that allows. */
record Column(String name, String type) {
  /** What statistics a column gets. */
  enum Kind {
    /** Integers and decimals: mean, std and quartiles. */
    NUMBER,
    /**
     * FLOAT and DOUBLE: as numbers, over the finite values only (NaN and infinities are left out).
     */
    FLOATING,
    /** Scalars compared natively (text, booleans, dates, times...): most frequent values. */
    VALUE,
    /** Anything else (lists, structs, maps, enums...): treated as its text rendering. */
    TEXT
  }

  private static final Set<String> INTEGERS =
      Set.of(
          "TINYINT",
          "SMALLINT",
          "INTEGER",
          "BIGINT",
          "HUGEINT",
          "UTINYINT",
          "USMALLINT",
          "UINTEGER",
          "UBIGINT",
          "UHUGEINT");

  private static final Set<String> VALUES =
      Set.of(
          "VARCHAR",
          "BOOLEAN",
          "DATE",
          "TIME",
          "TIME WITH TIME ZONE",
          "TIMESTAMP",
          "TIMESTAMP_S",
          "TIMESTAMP_MS",
          "TIMESTAMP_NS",
          "TIMESTAMP WITH TIME ZONE",
          "UUID",
          "BLOB",
          "INTERVAL");

  Kind kind() {
    String t = type.toUpperCase(Locale.ROOT);
    if (INTEGERS.contains(t) || t.startsWith("DECIMAL")) {
      return Kind.NUMBER;
    }
    if (t.equals("FLOAT") || t.equals("DOUBLE")) {
      return Kind.FLOATING;
    }
    if (VALUES.contains(t)) {
      return Kind.VALUE;
    }
    return Kind.TEXT;
  }

  boolean numeric() {
    Kind k = kind();
    return k == Kind.NUMBER || k == Kind.FLOATING;
  }

  /** The column in SQL: the column itself, or its text for {@link Kind#TEXT}. */
  String expression() {
    return kind() == Kind.TEXT ? "CAST(" + Sql.ident(name) + " AS VARCHAR)" : Sql.ident(name);
  }

  /** The type of {@link #expression()}, which its values rendered as text cast back to. */
  String expressionType() {
    return kind() == Kind.TEXT ? "VARCHAR" : type;
  }

  /** The columns of a table function's output, in order. */
  static List<Column> describe(Connection c, String from) throws SQLException {
    List<Column> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
      while (rs.next()) {
        out.add(new Column(rs.getString("column_name"), rs.getString("column_type")));
      }
    }
    return out;
  }
}
