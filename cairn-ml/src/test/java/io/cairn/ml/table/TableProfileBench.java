package io.cairn.ml.table;

import io.cairn.core.dataset.TableFormat;
import io.cairn.core.dataset.TableProfile;
import io.cairn.core.dataset.TableProfile.ColumnProfile;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Profiles a large generated CSV (docs/benchmarks.md, "Table profiling"). Not a test: run by hand,
 * once to generate the file and once, under a small heap, to measure.
 *
 * <pre>
 * java -Xmx256m -cp CLASSPATH io.cairn.ml.table.TableProfileBench DIR [SIZE_MB] [--compare]
 * </pre>
 *
 * Writes DIR/bench-SIZE_MB.csv (the columns of {@link TableFixtures}) when it is missing, then
 * times {@link DuckDbTableProfiler#profile} on it with the default settings (512 MB for DuckDB, one
 * thread per core); with --compare also {@link DuckDbTableProfiler#compareRows} of the file with
 * itself (every row grouped: the out-of-core worst case); with --summarize also the alternative of
 * DuckDB's SUMMARIZE plus one approx_top_k scan, with the same DuckDB settings.
 */
public final class TableProfileBench {
  private TableProfileBench() {}

  public static void main(String[] args) throws IOException, SQLException {
    if (args.length < 1) {
      System.err.println("usage: TableProfileBench DIR [SIZE_MB] [--compare]");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    long mb = args.length > 1 && !args[1].startsWith("--") ? Long.parseLong(args[1]) : 1024;
    boolean compare = java.util.Arrays.asList(args).contains("--compare");
    boolean summarize = java.util.Arrays.asList(args).contains("--summarize");
    Path csv = dir.resolve("bench-" + mb + "MB.csv");
    if (!Files.exists(csv)) {
      long start = System.nanoTime();
      Path part = dir.resolve(csv.getFileName() + ".part");
      long rows;
      try (Writer w = new BufferedWriter(Files.newBufferedWriter(part, StandardCharsets.UTF_8))) {
        rows = TableFixtures.writeRows(w, Long.MAX_VALUE, mb * 1024 * 1024, 42, ',', null);
      }
      Files.move(part, csv);
      System.out.printf(
          "generated %s: %d rows, %d bytes in %.1f s%n",
          csv, rows, Files.size(csv), (System.nanoTime() - start) / 1e9);
      return;
    }
    System.out.printf(
        "file %s (%d bytes), JVM max heap %d MiB, %d cores%n",
        csv,
        Files.size(csv),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    try (DuckDbTableProfiler profiler = new DuckDbTableProfiler(dir.resolve("tmp"))) {
      long start = System.nanoTime();
      TableProfile p = profiler.profile(csv, TableFormat.CSV);
      double s = (System.nanoTime() - start) / 1e9;
      if (p.error() != null) {
        throw new IllegalStateException(p.error());
      }
      System.out.printf("profile: %.1f s, %d rows%n", s, p.rows());
      for (ColumnProfile c : p.columns()) {
        System.out.printf(
            "  %-8s %-7s count %d missing %d distinct~%d min %s max %s mean %s top %s%n",
            c.name(),
            c.type(),
            c.count(),
            c.missing(),
            c.distinct(),
            c.min(),
            c.max(),
            c.mean(),
            c.top());
      }
      if (summarize) {
        summarize(csv, dir.resolve("tmp"));
      }
      if (compare) {
        start = System.nanoTime();
        var changes = profiler.compareRows(csv, TableFormat.CSV, csv, TableFormat.CSV);
        System.out.printf(
            "compareRows (the file with itself): %.1f s, %s%n",
            (System.nanoTime() - start) / 1e9, changes);
      }
    }
    System.out.printf(
        "JVM heap used at the end: %d MiB%n",
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
  }

  /** SUMMARIZE (one scan) plus approx_top_k of the non-numeric columns (a second scan). */
  private static void summarize(Path csv, Path tmp) throws SQLException {
    Properties config = new Properties();
    config.setProperty("memory_limit", DuckDbTableProfiler.DEFAULT_MEMORY_LIMIT);
    config.setProperty("threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    config.setProperty("temp_directory", tmp.resolve("summarize").toString());
    config.setProperty("preserve_insertion_order", "false");
    String from = "read_csv(" + Sql.literal(csv.toString()) + ", compression = 'none')";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", config);
        Statement s = c.createStatement()) {
      long start = System.nanoTime();
      try (ResultSet rs = s.executeQuery("SUMMARIZE SELECT * FROM " + from)) {
        while (rs.next()) {
          // consumed
        }
      }
      double summarize = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT approx_top_k(category, 5), approx_top_k(label, 5), approx_top_k(day, 5),"
                  + " approx_top_k(flag, 5) FROM "
                  + from)) {
        rs.next();
      }
      double topK = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "alternative: SUMMARIZE %.1f s + approx_top_k scan %.1f s = %.1f s"
              + " (and still no exact missing counts nor counts of the top values)%n",
          summarize, topK, summarize + topK);
    }
  }
}
