package io.cairn.storage.sql;

import io.cairn.core.error.CairnException;

/** The SQL that differs between the two metadata backends. */
public enum Dialect {
  SQLITE("sqlite"),
  POSTGRESQL("postgresql");

  private final String migrations;

  Dialect(String migrations) {
    this.migrations = migrations;
  }

  public static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      return SQLITE;
    }
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw CairnException.invalid(
        "Unsupported database URL '%s': use jdbc:sqlite:<file> or jdbc:postgresql://host/db",
        jdbcUrl.replaceAll("password=[^&]*", "password=***"));
  }

  /** Flyway location of this dialect's migrations. */
  public String migrationLocation() {
    return "classpath:db/migration/" + migrations;
  }

  public String least(String a, String b) {
    return this == SQLITE ? "min(" + a + ", " + b + ")" : "LEAST(" + a + ", " + b + ")";
  }

  public String greatest(String a, String b) {
    return this == SQLITE ? "max(" + a + ", " + b + ")" : "GREATEST(" + a + ", " + b + ")";
  }

  /** Case-insensitive LIKE of a column against a bound pattern. */
  public String ilike(String column) {
    return this == SQLITE ? "lower(" + column + ") LIKE lower(?)" : column + " ILIKE ?";
  }
}
