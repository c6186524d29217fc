package io.cairn.ml.table;

/** Quoting of the names and strings spliced into DuckDB SQL. */
final class Sql {
  private Sql() {}

  /** A string literal: {@code 'it''s'}. */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** A quoted identifier: {@code "a ""b"""}. Any column name a file may hold is safe. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
