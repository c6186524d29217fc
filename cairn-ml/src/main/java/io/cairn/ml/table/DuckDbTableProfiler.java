package io.cairn.ml.table;

import io.cairn.core.dataset.TableFormat;
import io.cairn.core.dataset.TableProfile;
import io.cairn.core.dataset.TableProfiler;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * Profiles CSV, TSV and Parquet files with an embedded, in-memory DuckDB: the file is scanned by
 * DuckDB's native readers, never loaded into the Java heap, and DuckDB's own memory is capped
 * ({@code memory_limit}); what does not fit spills to a temporary directory. A 1 GB CSV is profiled
 * by a JVM with a 256 MB heap (see docs/benchmarks.md).
 *
 * <p>One DuckDB database serves every call, each on a connection of its own, so the memory limit
 * and the worker threads are shared by calls running at the same time. The database is opened on
 * the first call (loading DuckDB's native library) and closed by {@link #close}; its spill
 * directory is a new folder under the given temporary directory, removed on close (or at exit). A
 * database DuckDB declares invalid after a fatal error is replaced on the next call.
 *
 * <p>Distinct values are counted exactly in tables of up to a million rows, and estimated with
 * HyperLogLog in larger ones (off by up to about 6%).
 *
 * <p>Files are named by the caller's temporary names, so the format is given and gzip compression
 * is recognised by its magic bytes (1f 8b), never by extension. CSV and TSV are sniffed by DuckDB
 * (header, quoting, column types); when a value late in the file does not fit the type guessed from
 * its first rows the file is read again with types sniffed over all rows.
 *
 * <p>A file that is not a readable table of its format gives {@link TableProfile#unreadable} with a
 * one-sentence reason; {@link #compareRows} refuses it with INVALID_PARAMETER_VALUE. Failures of
 * the engine (out of memory, disk full while spilling) and a missing file are INTERNAL_ERROR.
 * Thread-safe; {@link #close} only once no call is running.
 */
public final class DuckDbTableProfiler implements TableProfiler, AutoCloseable {
  /** DuckDB's memory cap by default (DuckDB units: MB = 1000 * 1000 bytes, MiB = 1024 * 1024). */
  public static final String DEFAULT_MEMORY_LIMIT = "512MB";

  private static final Pattern MEMORY =
      Pattern.compile("\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)");

  /** Up to this many rows, distinct values are counted exactly rather than estimated. */
  static final long EXACT_DISTINCT_ROWS = 1_000_000;

  private final String memoryLimit;
  private final int threads;
  private final long exactDistinctRows;
  private final Path tempDirectory;
  private final Object lock = new Object();

  // Guarded by lock.
  private DuckDBConnection database;
  private Path workDir;
  private boolean closed;

  /** 512 MB, one thread per core, spilling under {@code java.io.tmpdir}. */
  public DuckDbTableProfiler() {
    this(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** 512 MB, one thread per core, spilling under {@code tempDirectory} (created if missing). */
  public DuckDbTableProfiler(Path tempDirectory) {
    this(DEFAULT_MEMORY_LIMIT, Runtime.getRuntime().availableProcessors(), tempDirectory);
  }

  /**
   * @param memoryLimit DuckDB's memory cap for all calls together, such as "512MB" or "2GiB"
   * @param threads DuckDB's worker threads, shared by all calls
   * @param tempDirectory where a folder for spilled data is made (created if missing)
   */
  public DuckDbTableProfiler(String memoryLimit, int threads, Path tempDirectory) {
    this(memoryLimit, threads, tempDirectory, EXACT_DISTINCT_ROWS);
  }

  DuckDbTableProfiler(String memoryLimit, int threads, Path tempDirectory, long exactDistinctRows) {
    if (memoryLimit == null
        || !MEMORY.matcher(memoryLimit.strip().toUpperCase(Locale.ROOT)).matches()) {
      throw new IllegalArgumentException(
          "memoryLimit must be a size such as 512MB or 2GiB, not " + memoryLimit);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    if (tempDirectory == null) {
      throw new IllegalArgumentException("tempDirectory is required");
    }
    this.memoryLimit = memoryLimit.strip();
    this.threads = threads;
    this.tempDirectory = tempDirectory;
    this.exactDistinctRows = exactDistinctRows;
  }

  @Override
  public TableProfile profile(Path file, TableFormat format) {
    try (TableFile table = TableFile.open(file, format, this::links)) {
      if (table.problem() != null) {
        return TableProfile.unreadable(format, table.problem());
      }
      try (Connection c = connect()) {
        try {
          return ProfileQuery.run(c, format, table.from(false), exactDistinctRows);
        } catch (SQLException e) {
          if (format == TableFormat.PARQUET || !DuckDbErrors.isLateConversionError(e)) {
            throw e;
          }
          return ProfileQuery.run(c, format, table.from(true), exactDistinctRows);
        }
      } catch (SQLException e) {
        if (isDataError(e)) {
          return TableProfile.unreadable(format, unreadable(table, e));
        }
        throw internal("profiling a table", e);
      }
    }
  }

  @Override
  public RowChanges compareRows(
      Path before, TableFormat beforeFormat, Path after, TableFormat afterFormat) {
    try (TableFile b = TableFile.open(before, beforeFormat, this::links);
        TableFile a = TableFile.open(after, afterFormat, this::links)) {
      refuseUnreadable("earlier", b);
      refuseUnreadable("later", a);
      try (Connection c = connect()) {
        try {
          return CompareQuery.run(c, b.from(false), a.from(false));
        } catch (SQLException e) {
          if (!DuckDbErrors.isLateConversionError(e)) {
            throw e;
          }
          return CompareQuery.run(c, b.from(true), a.from(true));
        }
      } catch (SQLException e) {
        if (isDataError(e)) {
          throw CairnException.invalid(
              "The rows cannot be compared: %s.", whichUnreadable(e, b, a));
        }
        throw internal("comparing the rows of two tables", e);
      }
    }
  }

  /** Closes the database and removes its spill directory. Later calls fail. */
  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      closeDatabase();
    }
  }

  private static void refuseUnreadable(String which, TableFile table) {
    if (table.problem() != null) {
      throw CairnException.invalid(
          "The rows cannot be compared: the %s file is not a readable %s table (%s).",
          which, name(table.format()), clause(table.problem()));
    }
  }

  /** Which file DuckDB complained about, and why, as a clause. */
  private static String whichUnreadable(SQLException e, TableFile b, TableFile a) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    boolean inBefore = m.contains(b.readPath());
    boolean inAfter = m.contains(a.readPath());
    if (inBefore == inAfter) {
      return "one of the files is not a readable table (" + DuckDbErrors.reason(e, "\0") + ")";
    }
    TableFile t = inAfter ? a : b;
    return "the "
        + (inAfter ? "later" : "earlier")
        + " file is not a readable "
        + name(t.format())
        + " table ("
        + DuckDbErrors.reason(e, t.readPath())
        + ")";
  }

  /** "The file is empty." as "the file is empty". */
  private static String clause(String sentence) {
    String s = sentence.strip();
    if (s.endsWith(".")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }

  private static String unreadable(TableFile table, SQLException e) {
    return "Not a readable "
        + name(table.format())
        + " table: "
        + DuckDbErrors.reason(e, table.readPath())
        + ".";
  }

  private static String name(TableFormat format) {
    return format == TableFormat.PARQUET ? "Parquet" : format.name();
  }

  private boolean isDataError(SQLException e) {
    Path spill;
    synchronized (lock) {
      spill = workDir == null ? null : workDir.resolve("spill");
    }
    return DuckDbErrors.isDataError(e, spill == null ? "\0" : spill.toString());
  }

  private CairnException internal(String what, SQLException e) {
    if (DuckDbErrors.isDatabaseInvalidated(e)) {
      synchronized (lock) {
        closeDatabase();
      }
    }
    return new CairnException(ErrorCode.INTERNAL_ERROR, "DuckDB failed while " + what + ".", e);
  }

  /** A new connection to the shared database, opening it on first use. */
  private Connection connect() throws SQLException {
    synchronized (lock) {
      open();
      return database.duplicate();
    }
  }

  /** Where symbolic links to files with glob characters in their path are made. */
  private Path links() {
    synchronized (lock) {
      return workDir().resolve("links");
    }
  }

  /** This profiler's folder under the temporary directory: spill/ for DuckDB, links/. */
  private Path workDir() {
    if (closed) {
      throw new IllegalStateException("The table profiler is closed.");
    }
    if (workDir == null) {
      try {
        Files.createDirectories(tempDirectory);
        Path dir = Files.createTempDirectory(tempDirectory, "cairn-duckdb-");
        dir.toFile().deleteOnExit();
        for (String sub : new String[] {"spill", "links"}) {
          Files.createDirectories(dir.resolve(sub)).toFile().deleteOnExit();
        }
        workDir = dir;
      } catch (IOException e) {
        throw new CairnException(
            ErrorCode.INTERNAL_ERROR, "Could not make DuckDB's temporary directory.", e);
      }
    }
    return workDir;
  }

  private void open() {
    Path spill = workDir().resolve("spill");
    if (database != null) {
      return;
    }
    try {
      Properties config = new Properties();
      config.setProperty("memory_limit", memoryLimit);
      config.setProperty("threads", Integer.toString(threads));
      config.setProperty("temp_directory", spill.toString());
      // Results are aggregates: no need to keep the rows' order, which costs memory.
      config.setProperty("preserve_insertion_order", "false");
      // Never download or load extensions at run time: CSV and Parquet are built in.
      config.setProperty("autoinstall_known_extensions", "false");
      config.setProperty("autoload_known_extensions", "false");
      database = (DuckDBConnection) new DuckDBDriver().connect("jdbc:duckdb:", config);
      try (Statement s = database.createStatement()) {
        // Timestamps with a time zone are rendered in UTC, whatever the server's zone.
        s.execute("SET GLOBAL TimeZone = 'UTC'");
      }
    } catch (SQLException e) {
      closeDatabase();
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "Could not start DuckDB.", e);
    }
  }

  private void closeDatabase() {
    if (database != null) {
      try {
        database.close();
      } catch (SQLException e) {
        // Closing an in-memory database loses nothing.
      }
      database = null;
    }
    if (workDir != null) {
      try (Stream<Path> paths = Files.walk(workDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // Left for the operating system's temporary file cleaning.
      }
      workDir = null;
    }
  }
}
