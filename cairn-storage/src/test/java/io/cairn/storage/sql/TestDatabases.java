package io.cairn.storage.sql;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Real databases for tests: SQLite in a temporary file, and PostgreSQL at {@code CAIRN_TEST_PG_URL}
 * (default: the cluster scripts/postgres.sh starts), each test getting a schema of its own. When
 * PostgreSQL does not answer, tests skip with a notice, or fail when {@code
 * CAIRN_REQUIRE_POSTGRES=1}.
 */
public final class TestDatabases {
  public static final String DEFAULT_PG_URL =
      "jdbc:postgresql://127.0.0.1:5432/cairn_test?user=cairn&password=cairn";

  private TestDatabases() {}

  public static String sqliteUrl(Path dir) {
    return "jdbc:sqlite:" + dir.resolve("cairn-test.db");
  }

  public static Database sqlite(Path dir) {
    return Database.open(sqliteUrl(dir), null, null, 8);
  }

  public static String postgresBaseUrl() {
    String url = System.getenv("CAIRN_TEST_PG_URL");
    return url == null || url.isBlank() ? DEFAULT_PG_URL : url;
  }

  /** A URL to a fresh, empty schema in the test PostgreSQL; skips or fails when there is none. */
  public static String freshPostgresSchema() {
    String base = postgresBaseUrl();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    try (Connection c = DriverManager.getConnection(base);
        Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      String notice =
          "PostgreSQL is not answering at "
              + base.replaceAll("password=[^&]*", "password=***")
              + " ("
              + e.getMessage()
              + "); start it with scripts/postgres.sh";
      if ("1".equals(System.getenv("CAIRN_REQUIRE_POSTGRES"))) {
        fail(notice + " -- required because CAIRN_REQUIRE_POSTGRES=1");
      }
      System.out.println("SKIPPED: " + notice);
      Assumptions.abort(notice);
    }
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Drops a test schema made by {@link #freshPostgresSchema}. */
  public static void dropSchemaOf(String url) {
    int at = url.indexOf("currentSchema=");
    if (at < 0) {
      return;
    }
    String schema = url.substring(at + "currentSchema=".length());
    try (Connection c = DriverManager.getConnection(postgresBaseUrl());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (SQLException e) {
      System.out.println("Could not drop test schema " + schema + ": " + e.getMessage());
    }
  }
}
