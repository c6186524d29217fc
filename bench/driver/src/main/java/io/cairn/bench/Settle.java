package io.cairn.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * VACUUM ANALYZE of a server's PostgreSQL database after a load, done for every server alike: reads
 * are then measured on settled tables (statistics gathered, visibility map set), not while
 * autovacuum works through the new rows. Nothing for SQLite.
 */
final class Settle {
  private Settle() {}

  /** Settles the database at {@code jdbc} if it is PostgreSQL; null or empty does nothing. */
  static void database(String jdbc) throws Exception {
    if (jdbc == null || !jdbc.startsWith("jdbc:postgresql:")) {
      return;
    }
    long t0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection(jdbc);
        Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      st.execute("VACUUM ANALYZE");
    }
    Driver.log("settle: VACUUM ANALYZE in %.1f s", (System.nanoTime() - t0) / 1e9);
  }
}
