package io.cairn.ml.table;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a delimited table of known content (ints, doubles and strings with missing values, dates,
 * booleans) and, optionally, the statistics DuckDB should find, computed here in plain Java.
 */
final class TableFixtures {
  static final String[] HEADER = {"id", "qty", "price", "category", "label", "day", "flag"};
  static final String[] CATEGORIES = {"red", "green", "blue", "yellow", "black"};
  static final double[] CATEGORY_WEIGHTS = {0.40, 0.25, 0.15, 0.10, 0.08}; // 2% missing
  static final LocalDate FIRST_DAY = LocalDate.of(2020, 1, 1);

  private TableFixtures() {}

  /** What a column holds, computed while writing. */
  static final class Expected {
    final String name;
    final boolean numeric;
    long count;
    long missing;
    private double sum;
    private double[] values = new double[1024];
    final Map<String, Long> counts = new HashMap<>();
    final Set<String> distinctText = new HashSet<>();
    String minText;
    String maxText;

    Expected(String name, boolean numeric) {
      this.name = name;
      this.numeric = numeric;
    }

    void missing() {
      missing++;
    }

    void number(double v) {
      if (count == values.length) {
        values = Arrays.copyOf(values, values.length * 2);
      }
      values[(int) count++] = v;
      sum += v;
      distinctText.add(Double.toString(v));
    }

    void text(String v) {
      count++;
      counts.merge(v, 1L, Long::sum);
      distinctText.add(v);
      if (minText == null || v.compareTo(minText) < 0) {
        minText = v;
      }
      if (maxText == null || v.compareTo(maxText) > 0) {
        maxText = v;
      }
    }

    double mean() {
      return sum / count;
    }

    /** Sample standard deviation, two-pass. */
    double std() {
      double m = mean();
      double ss = 0;
      for (int i = 0; i < count; i++) {
        ss += (values[i] - m) * (values[i] - m);
      }
      return Math.sqrt(ss / (count - 1));
    }

    double min() {
      return sorted()[0];
    }

    double max() {
      double[] s = sorted();
      return s[s.length - 1];
    }

    /** Linear interpolation between closest ranks (DuckDB's quantile_cont). */
    double quantile(double q) {
      double[] s = sorted();
      double pos = q * (s.length - 1);
      int lo = (int) Math.floor(pos);
      int hi = Math.min(lo + 1, s.length - 1);
      return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    long distinct() {
      return distinctText.size();
    }

    private double[] sorted;

    private double[] sorted() {
      if (sorted == null) {
        sorted = Arrays.copyOf(values, (int) count);
        Arrays.sort(sorted);
      }
      return sorted;
    }
  }

  /** The expected statistics of each column, by name, in file order. */
  static Map<String, Expected> newExpectations() {
    Map<String, Expected> m = new LinkedHashMap<>();
    for (String h : HEADER) {
      boolean numeric = h.equals("id") || h.equals("qty") || h.equals("price");
      m.put(h, new Expected(h, numeric));
    }
    return m;
  }

  /** Writes {@code rows} rows; {@code expected} (may be null) receives their statistics. */
  static void write(
      Path file, long rows, long seed, char delimiter, boolean gzip, Map<String, Expected> expected)
      throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
        Writer w =
            new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 20)) {
      writeRows(w, rows, Long.MAX_VALUE, seed, delimiter, expected);
    }
  }

  /**
   * Writes rows until {@code rows} rows or {@code bytes} characters, whichever comes first, and
   * returns the number of rows.
   */
  static long writeRows(
      Writer w, long rows, long bytes, long seed, char delimiter, Map<String, Expected> expected)
      throws IOException {
    Random r = new Random(seed);
    long labelRange = Math.max(1, Math.min(rows, 20_000_000) / 2);
    StringBuilder line = new StringBuilder(128);
    line.append(String.join(String.valueOf(delimiter), HEADER)).append('\n');
    w.write(line.toString());
    long written = line.length();
    long n = 0;
    while (n < rows && written < bytes) {
      line.setLength(0);
      long id = n + 1;
      String qty = r.nextDouble() < 0.05 ? null : Integer.toString(r.nextInt(1000));
      String price =
          r.nextDouble() < 0.10
              ? null
              : Double.toString(Math.round((100 + 15 * r.nextGaussian()) * 100) / 100.0);
      String category = category(r.nextDouble());
      String label = "item-" + (long) (r.nextDouble() * labelRange);
      String day = r.nextDouble() < 0.01 ? null : FIRST_DAY.plusDays(r.nextInt(2000)).toString();
      String flag = r.nextDouble() < 0.3 ? "true" : "false";
      String[] fields = {Long.toString(id), qty, price, category, label, day, flag};
      for (int i = 0; i < fields.length; i++) {
        if (i > 0) {
          line.append(delimiter);
        }
        if (fields[i] != null) {
          line.append(fields[i]);
        }
        if (expected != null) {
          Expected e = expected.get(HEADER[i]);
          if (fields[i] == null) {
            e.missing();
          } else if (e.numeric) {
            e.number(Double.parseDouble(fields[i]));
          } else {
            e.text(fields[i]);
          }
        }
      }
      line.append('\n');
      w.write(line.toString());
      written += line.length();
      n++;
    }
    return n;
  }

  private static String category(double u) {
    double acc = 0;
    for (int i = 0; i < CATEGORIES.length; i++) {
      acc += CATEGORY_WEIGHTS[i];
      if (u < acc) {
        return CATEGORIES[i];
      }
    }
    return null;
  }

  /** Writes lines as a UTF-8 file. */
  static Path lines(Path file, List<String> lines) throws IOException {
    return Files.write(file, lines, StandardCharsets.UTF_8);
  }

  /** Rows of a small CSV as lines (header first). */
  static List<String> csv(String header, List<String> rows) {
    List<String> out = new ArrayList<>();
    out.add(header);
    out.addAll(rows);
    return out;
  }
}
