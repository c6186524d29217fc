package io.cairn.storage.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata database: a HikariCP pool, the dialect, and Flyway migrations run at start. Work is
 * lent a {@link Tx} through {@link #read} (autocommit) or {@link #write} (one transaction,
 * committed when the callback returns, rolled back when it throws; on SQLite one savepoint of a
 * group-committed transaction, see {@link SqliteWriter}). Thread-safe; the owner closes it.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  /** Work done with a {@link Tx}. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Tx tx) throws SQLException;
  }

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final SqliteWriter sqliteWriter;

  private Database(HikariDataSource pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    this.sqliteWriter =
        dialect == Dialect.SQLITE && System.getenv("CAIRN_NO_GROUP") == null
            ? new SqliteWriter(pool, dialect)
            : null;
  }

  /**
   * Opens the pool and brings the schema up to date. Fails with TEMPORARILY_UNAVAILABLE when the
   * database cannot be reached and INVALID_STATE when its schema is newer than this code.
   */
  public static Database open(String jdbcUrl, String user, String password, int poolSize) {
    Dialect dialect = Dialect.of(jdbcUrl);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName("cairn-db");
    config.setMaximumPoolSize(poolSize);
    // Connections are opened as the load asks for them, not all at start: each PostgreSQL login
    // costs a SCRAM key derivation, and nine of them competed with start-up for the CPU.
    config.setMinimumIdle(Math.min(2, poolSize));
    config.setConnectionTimeout(10_000);
    if (user != null && !user.isEmpty()) {
      config.setUsername(user);
    }
    if (password != null && !password.isEmpty()) {
      config.setPassword(password);
    }
    if (dialect == Dialect.SQLITE) {
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "NORMAL");
      config.addDataSourceProperty("foreign_keys", "true");
      config.addDataSourceProperty("busy_timeout", "30000");
      config.addDataSourceProperty("case_sensitive_like", "true");
      config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      config.addDataSourceProperty("connectTimeout", "5");
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (HikariPool.PoolInitializationException e) {
      throw new CairnException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "Cannot connect to the database " + mask(jdbcUrl) + ": " + rootMessage(e),
          e);
    }
    try {
      migrate(pool, dialect);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(pool, dialect);
  }

  private static void migrate(DataSource dataSource, Dialect dialect) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(dataSource)
            .locations(dialect.migrationLocation())
            .table("cairn_schema_history")
            .baselineOnMigrate(false)
            .load();
    // One Flyway pass (a separate info() pass cost 0.1 s of every start). A schema newer than this
    // code's migrations has nothing left to apply, so migrate() changes nothing before the check.
    MigrateResult result = flyway.migrate();
    String before = result.initialSchemaVersion;
    if (before != null && before.matches("\\d+") && Integer.parseInt(before) > SCHEMA_VERSION) {
      throw new CairnException(
          ErrorCode.INVALID_STATE,
          "The database schema is at version "
              + before
              + ", newer than this Cairn understands; upgrade Cairn, or point it at another database");
    }
  }

  /** The version the newest migration brings the schema to (a test holds it to the files). */
  static final int SCHEMA_VERSION = 5;

  public Dialect dialect() {
    return dialect;
  }

  /** The pool, for metrics. */
  public HikariDataSource pool() {
    return pool;
  }

  public <T> T read(Work<T> work) {
    if (dialect == Dialect.POSTGRESQL) {
      // A read-only transaction: one snapshot for the whole read, and cursors that honour the
      // fetch size instead of loading every row. SQLite reads stay in autocommit, because its
      // transactions here begin IMMEDIATE and would take the write lock.
      return write(
          tx -> {
            tx.connection().setReadOnly(true);
            return work.run(tx);
          });
    }
    try (Connection c = pool.getConnection()) {
      return work.run(new Tx(c, dialect));
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  public <T> T write(Work<T> work) {
    if (sqliteWriter != null) {
      try {
        return sqliteWriter.write(work);
      } catch (SQLException e) {
        throw translate(e);
      }
    }
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(new Tx(c, dialect));
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw translate(e);
    }
  }

  /** True when the database answers a trivial query. */
  public boolean isReady() {
    try (Connection c = pool.getConnection()) {
      return c.isValid(2);
    } catch (SQLException e) {
      return false;
    }
  }

  public static boolean isForeignKeyViolation(SQLException e) {
    return "23503".equals(e.getSQLState())
        || String.valueOf(e.getMessage()).contains("FOREIGN KEY constraint failed")
        || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT_FOREIGNKEY");
  }

  public static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState())
        || (e.getErrorCode() == 19 && String.valueOf(e.getMessage()).contains("UNIQUE"))
        || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT_PRIMARYKEY")
        || String.valueOf(e.getMessage()).contains("SQLITE_CONSTRAINT_UNIQUE");
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.warn("Rollback failed: {}", e.getMessage());
    }
  }

  /** Turns a database failure into a Cairn error that tells the client nothing about SQL. */
  static CairnException translate(SQLException e) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String message = String.valueOf(e.getMessage());
    if (e instanceof SQLTransientConnectionException
        || state.startsWith("08")
        || state.equals("40001")
        || state.equals("40P01")
        || state.equals("57P01")
        || message.contains("SQLITE_BUSY")
        || message.contains("database is locked")) {
      LOG.warn("Database temporarily unavailable: {}", message);
      return new CairnException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "The metadata database is busy or unreachable; try again",
          e);
    }
    LOG.error("Database failure", e);
    return new CairnException(
        ErrorCode.INTERNAL_ERROR,
        "The metadata database failed to complete the request; the server log has details",
        e);
  }

  static String mask(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  @Override
  public void close() {
    if (sqliteWriter != null) {
      sqliteWriter.close();
    }
    pool.close();
  }
}
