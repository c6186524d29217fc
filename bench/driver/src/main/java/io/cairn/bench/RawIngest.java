package io.cairn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The baseline: the same rows as {@link Ingest}, written with plain JDBC batch inserts (one
 * transaction of {@code batch} rows per round trip, a connection per thread) into a scratch table
 * shaped like Cairn's {@code metrics} table, in the same kind of database with the settings Cairn
 * uses (SQLite: WAL, synchronous=NORMAL, BEGIN IMMEDIATE; PostgreSQL: reWriteBatchedInserts).
 */
final class RawIngest {
  private final Driver.Opts o;

  RawIngest(Driver.Opts o) {
    this.o = o;
  }

  ObjectNode run() throws Exception {
    String jdbc = o.required("jdbc");
    boolean sqlite = jdbc.startsWith("jdbc:sqlite:");
    if (!sqlite && !jdbc.startsWith("jdbc:postgresql://127.") && !jdbc.startsWith(
        "jdbc:postgresql://localhost")) {
      throw new IllegalArgumentException("raw: only SQLite files or a loopback PostgreSQL");
    }
    String url = jdbc;
    if (sqlite) {
      url += (url.contains("?") ? "&" : "?")
          + "journal_mode=WAL&synchronous=NORMAL&busy_timeout=30000&transaction_mode=IMMEDIATE";
    } else if (!url.contains("reWriteBatchedInserts")) {
      url += (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
    }
    int threads = o.intOpt("threads", 8);
    int batch = o.intOpt("batch", 1000);
    double warmup = o.doubleOpt("warmup", 3);
    double seconds = o.doubleOpt("seconds", 10);
    long maxRequests = o.longOpt("max-requests", 1_000_000);

    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      st.execute("DROP TABLE IF EXISTS bench_metrics");
      if (sqlite) {
        st.execute(
            "CREATE TABLE bench_metrics (run_uuid TEXT NOT NULL, key TEXT NOT NULL, step INTEGER"
                + " NOT NULL, timestamp INTEGER NOT NULL, value REAL NOT NULL, is_nan INTEGER NOT"
                + " NULL, PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)) WITHOUT"
                + " ROWID");
      } else {
        st.execute(
            "CREATE TABLE bench_metrics (run_uuid TEXT NOT NULL, key TEXT NOT NULL, step BIGINT"
                + " NOT NULL, timestamp BIGINT NOT NULL, value DOUBLE PRECISION NOT NULL, is_nan"
                + " BOOLEAN NOT NULL, PRIMARY KEY (run_uuid, key, step, timestamp, value,"
                + " is_nan))");
      }
    }
    String insert =
        "INSERT INTO bench_metrics (run_uuid, key, step, timestamp, value, is_nan)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    List<Connection> conns = new ArrayList<>();
    TimedLoad load = new TimedLoad();
    int steps = Ingest.stepsPerBatch(batch);
    String finalUrl = url;
    Driver.log("raw: %d threads x %d rows/transaction into %s", threads, batch,
        sqlite ? "SQLite" : "PostgreSQL");
    try {
      load.run(
          threads,
          warmup,
          seconds,
          maxRequests,
          t -> {
            Connection c = DriverManager.getConnection(finalUrl);
            conns.add(c);
            PreparedStatement ps = c.prepareStatement(insert);
            String runId = UUID.randomUUID().toString().replace("-", "");
            return b -> {
              long first = b * steps;
              // As Cairn does: a transaction per batch, and autocommit again in between (with
              // sqlite-jdbc, a connection left in manual commit opens the next BEGIN IMMEDIATE
              // right after COMMIT and would hold the write lock between batches).
              c.setAutoCommit(false);
              try {
                for (int k = 0; k < Ingest.KEYS; k++) {
                  String key = "m" + k;
                  for (int s = 0; s < steps; s++) {
                    long step = first + s;
                    ps.setString(1, runId);
                    ps.setString(2, key);
                    ps.setLong(3, step);
                    ps.setLong(4, Ingest.BASE_TS + step);
                    ps.setDouble(5, Ingest.value(k, step));
                    ps.setBoolean(6, false);
                    ps.addBatch();
                  }
                }
                ps.executeBatch();
                c.commit();
              } catch (Exception e) {
                ps.clearBatch();
                c.rollback();
                throw e;
              } finally {
                c.setAutoCommit(true);
              }
              return steps * Ingest.KEYS;
            };
          });
    } finally {
      for (Connection c : conns) {
        c.close();
      }
    }
    long rows;
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      var rs = st.executeQuery("SELECT count(*) FROM bench_metrics");
      rs.next();
      rows = rs.getLong(1);
      st.execute("DROP TABLE bench_metrics");
    }
    ObjectNode out = Driver.JSON.createObjectNode();
    out.put("kind", "raw");
    out.put("database", sqlite ? "sqlite" : "postgresql");
    out.put("threads", threads);
    out.put("batch", steps * Ingest.KEYS);
    load.put(out);
    out.put("rows_in_table", rows);
    Driver.log("raw: %.0f rows/s, %d errors", out.path("points_per_s").asDouble(),
        load.errors.get());
    return out;
  }
}
