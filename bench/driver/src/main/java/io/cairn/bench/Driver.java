package io.cairn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark load driver: one command per measurement, each writing its figures as a JSON file
 * that {@code report} turns into the table. bench/run.sh calls it; every loop it runs is bounded in
 * count and in time.
 *
 * <pre>
 *   ingest   --url U --threads 8 --batch 1000 --warmup S --seconds S [--max-requests N] [--pid P] --out F
 *   raw      --jdbc URL --threads 8 --batch 1000 --warmup S --seconds S [--max-requests N] --out F
 *   load     --url U --runs N --threads 8 --timeout S --out F
 *   seed     --jdbc URL --from K --runs N [--template 1] --out F   (runs K..N-1 written in SQL)
 *   settle   --jdbc URL                       (VACUUM ANALYZE when PostgreSQL)
 *   search   --url U --runs N --page-size 100 --iterations K --timeout S --out F
 *   history  --url U --points P --threads 8 --iterations K --timeout S [--settle-jdbc URL] --out F
 *   rss      --pid P --out F
 *   note     --out F key=value ...
 *   report   --dir D --md FILE
 * </pre>
 */
public final class Driver {
  static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Driver() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: driver ingest|raw|load|seed|settle|search|history|rss|note|report [--opt value ...]");
      System.exit(2);
    }
    Opts o = Opts.parse(Arrays.copyOfRange(args, 1, args.length));
    ObjectNode result;
    switch (args[0]) {
      case "ingest" -> result = new Ingest(o).run();
      case "raw" -> result = new RawIngest(o).run();
      case "load" -> result = new LoadRuns(o).run();
      case "seed" -> result = new Seed(o).run();
      case "settle" -> {
        Settle.database(o.required("jdbc"));
        return;
      }
      case "search" -> result = new SearchBench(o).run();
      case "history" -> result = new HistoryBench(o).run();
      case "rss" -> {
        result = JSON.createObjectNode();
        long pid = o.longOpt("pid", -1);
        result.put("pid", pid);
        result.put("rss_mb", Rss.treeRssBytes(pid) / 1048576.0);
        result.put("processes", Rss.tree(pid).size());
      }
      case "note" -> {
        result = JSON.createObjectNode();
        Path out = Path.of(o.str("out", null));
        if (Files.exists(out)) {
          result = (ObjectNode) JSON.readTree(out.toFile());
        }
        for (Map.Entry<String, String> e : o.pairs.entrySet()) {
          result.put(e.getKey(), e.getValue());
        }
      }
      case "report" -> {
        new Report(o).run();
        return;
      }
      default -> {
        System.err.println("unknown command " + args[0]);
        System.exit(2);
        return;
      }
    }
    String out = o.str("out", null);
    String text = JSON.writeValueAsString(result);
    if (out != null) {
      Files.writeString(Path.of(out), text);
    }
    if (!args[0].equals("note")) {
      System.out.println(text);
    }
  }

  /** Options: {@code --name value} pairs and {@code key=value} pairs. */
  static final class Opts {
    final Map<String, String> named = new LinkedHashMap<>();
    final Map<String, String> pairs = new LinkedHashMap<>();

    static Opts parse(String[] args) {
      Opts o = new Opts();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.startsWith("--")) {
          if (i + 1 >= args.length) {
            throw new IllegalArgumentException("option " + a + " needs a value");
          }
          o.named.put(a.substring(2), args[++i]);
        } else {
          int eq = a.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("expected --option value or key=value, got " + a);
          }
          o.pairs.put(a.substring(0, eq), a.substring(eq + 1));
        }
      }
      return o;
    }

    String str(String name, String dflt) {
      return named.getOrDefault(name, dflt);
    }

    String required(String name) {
      String v = named.get(name);
      if (v == null || v.isEmpty()) {
        throw new IllegalArgumentException("--" + name + " is required");
      }
      return v;
    }

    int intOpt(String name, int dflt) {
      String v = named.get(name);
      return v == null || v.isEmpty() ? dflt : Integer.parseInt(v);
    }

    long longOpt(String name, long dflt) {
      String v = named.get(name);
      return v == null || v.isEmpty() ? dflt : Long.parseLong(v);
    }

    double doubleOpt(String name, double dflt) {
      String v = named.get(name);
      return v == null || v.isEmpty() ? dflt : Double.parseDouble(v);
    }
  }

  static void log(String fmt, Object... args) {
    System.err.println("driver: " + String.format(fmt, args));
  }

  static String shorten(String s, int max) {
    if (s == null) {
      return "";
    }
    String oneLine = s.replaceAll("\\s+", " ").trim();
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "...";
  }

  static void ensureParent(Path p) throws IOException {
    if (p.getParent() != null) {
      Files.createDirectories(p.getParent());
    }
  }
}
