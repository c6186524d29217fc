package io.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Turns the results folder into the tables: printed to stdout and written, with the machine's
 * description and the method, to docs/benchmarks.md.
 */
final class Report {
  private final Driver.Opts o;
  private Path dir;

  Report(Driver.Opts o) {
    this.o = o;
  }

  /** One server's files. */
  record Server(String id, JsonNode meta, JsonNode ingest, JsonNode load, JsonNode seed,
      JsonNode search, JsonNode history) {
    String label() {
      return meta.path("label").asText(id);
    }

    String db() {
      return meta.path("db").asText("");
    }

    boolean started() {
      return meta.path("started").asText("").equals("true");
    }

    boolean isCairn() {
      return id.startsWith("cairn");
    }

    boolean isMlflow() {
      return id.startsWith("mlflow-") && !id.startsWith("mlflow-go");
    }

    boolean isGo() {
      return id.startsWith("mlflow-go") || id.startsWith("fasttrackml");
    }

    // Figures that count in the targets: only those measured on the whole data set without
    // errors (a server whose writes failed answers searches over nothing quickly).

    double ingestRate() {
      double v = ingest.path("points_per_s").asDouble(Double.NaN);
      return v > 0 && ingest.path("errors").asLong() == 0 ? v : Double.NaN;
    }

    double searchP50(String page) {
      return search.path("correct").asBoolean(false)
          ? search.path(page + "_p50_ms").asDouble(Double.NaN)
          : Double.NaN;
    }

    boolean historyComplete() {
      long loaded = history.path("points_loaded").asLong(0);
      return loaded > 0 && loaded == history.path("points_wanted").asLong(-1);
    }

    double historyFullP50() {
      return historyComplete() && history.path("full_correct").asBoolean(false)
          ? history.path("full_p50_ms").asDouble(Double.NaN)
          : Double.NaN;
    }

    double bulkP50() {
      return historyComplete() && history.path("bulk_points_returned").asLong(0) > 0
          ? history.path("bulk_p50_ms").asDouble(Double.NaN)
          : Double.NaN;
    }
  }

  void run() throws IOException {
    dir = Path.of(o.required("dir"));
    JsonNode machine = read("machine.json");
    List<Server> servers = new ArrayList<>();
    for (String id : o.required("servers").split(",")) {
      if (id.isBlank()) {
        continue;
      }
      servers.add(new Server(id, read(id + ".meta.json"), read(id + ".ingest.json"),
          read(id + ".load.json"), read(id + ".seed.json"), read(id + ".search.json"),
          read(id + ".history.json")));
    }
    JsonNode rawSqlite = read("raw-sqlite.json");
    JsonNode rawPg = read("raw-postgresql.json");

    StringBuilder tables = new StringBuilder();
    tables.append("### Ingest, start-up and memory\n\n");
    tables.append("| server | DB | log-batch points/s | request p50 / p99 ms | ÷ raw JDBC |"
        + " start-up, new DB (s) | restart, loaded DB (s) | RSS idle (MB) | RSS under ingest,"
        + " max (MB) | machine load at start | why |\n");
    tables.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (JsonNode raw : List.of(rawSqlite, rawPg)) {
      if (raw.isMissingNode()) {
        continue;
      }
      tables.append(row("raw JDBC batch insert (baseline)", dbName(raw.path("database").asText()),
          num(raw, "points_per_s", 0), ms2(raw, "batch_p50_ms", "batch_p99_ms"), "1.00", "", "",
          "", "", "", why(raw.path("first_error").asText(""))));
    }
    for (Server s : servers) {
      JsonNode raw = s.db().equals("postgresql") ? rawPg : rawSqlite;
      String ratio = "";
      if (s.ingest.has("points_per_s") && raw.has("points_per_s")
          && raw.path("points_per_s").asDouble() > 0) {
        double r = s.ingest.path("points_per_s").asDouble() / raw.path("points_per_s").asDouble();
        ratio = String.format(Locale.ROOT, r < 0.1 ? "%.3f" : "%.2f", r);
      }
      tables.append(row(s.label(), dbName(s.db()), num(s.ingest, "points_per_s", 0),
          ms2(s.ingest, "batch_p50_ms", "batch_p99_ms"), ratio, num(s.meta, "startup_s", 2),
          num(s.meta, "restart_s", 2), num(s.meta, "rss_idle_mb", 0),
          num(s.ingest, "rss_load_max_mb", 0), s.meta.path("loadavg").asText("").split(" ")[0],
          why(whyIngest(s))));
    }
    tables.append("\nMachine load: the 1-minute load average when the server's turn began (the"
        + " machine may be shared with other work).\n");
    tables.append("\n### Search, history\n\n");
    tables.append("| server | DB | runs loaded (runs/s) | search page 1 p50 / p99 ms |"
        + " page 10 p50 / p99 ms | pages right? | get-history, full (points; ms) |"
        + " bulk-interval p50 / p99 ms (points) | why |\n");
    tables.append("|---|---|--:|--:|--:|---|--:|--:|---|\n");
    for (Server s : servers) {
      String loaded = s.load.has("runs_loaded")
          ? String.format(Locale.ROOT, "%,d (%.0f/s)", s.load.path("runs_loaded").asLong(),
              s.load.path("runs_per_s").asDouble())
          : "";
      if (s.seed.has("runs_seeded")) {
        loaded = String.format(Locale.ROOT, "%,d: %,d by API (%.0f/s), %,d seeded",
            s.load.path("runs_loaded").asLong() + s.seed.path("runs_seeded").asLong(),
            s.load.path("runs_loaded").asLong(), s.load.path("runs_per_s").asDouble(),
            s.seed.path("runs_seeded").asLong());
      }
      String right = !s.search.has("checked") ? ""
          : !s.search.path("checked").asBoolean() ? "not checked (partial load)"
          : s.search.path("correct").asBoolean() ? "yes" : "**no**";
      boolean anyRuns = s.load.path("runs_loaded").asLong(0) > 0;
      boolean anyPoints = s.history.path("points_loaded").asLong(0) > 0;
      String full = "";
      if (anyPoints && s.history.has("full_p50_ms") && !s.history.path("full_p50_ms").isNull()) {
        full = String.format(Locale.ROOT, "%,d; %s", s.history.path("full_points_read").asLong(),
            fmt(s.history.path("full_p50_ms").asDouble(), 0));
      }
      String bulk = "";
      if (anyPoints && s.history.has("bulk_p50_ms") && !s.history.path("bulk_p50_ms").isNull()) {
        bulk = ms2(s.history, "bulk_p50_ms", "bulk_p99_ms") + " ("
            + s.history.path("bulk_points_returned").asLong() + ")";
      }
      if (!anyRuns) {
        right = s.search.has("checked") ? "no runs to search" : right;
      } else if (s.search.has("checked") && !s.search.path("checked").asBoolean()) {
        right = String.format(Locale.ROOT, "not checked (%,d of %,d runs loaded)",
            s.load.path("runs_loaded").asLong() + s.seed.path("runs_seeded").asLong(0),
            s.seed.path("runs_wanted").asLong(s.load.path("runs_wanted").asLong()));
      }
      tables.append(row(s.label(), dbName(s.db()), loaded,
          anyRuns ? ms2(s.search, "page1_p50_ms", "page1_p99_ms") : "",
          anyRuns ? ms2(s.search, "page10_p50_ms", "page10_p99_ms") : "", right, full, bulk,
          why(whyReads(s))));
    }
    tables.append("\n### Targets (issue 4)\n\n");
    tables.append(targets(servers, rawSqlite, rawPg));

    System.out.println(tables);
    String md = o.str("md", null);
    if (md != null) {
      Files.writeString(Path.of(md), document(machine, tables.toString()));
    }
  }

  private String targets(List<Server> servers, JsonNode rawSqlite, JsonNode rawPg) {
    StringBuilder t = new StringBuilder();
    t.append("| target | SQLite | PostgreSQL |\n|---|---|---|\n");
    String[] dbs = {"sqlite", "postgresql"};
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ingest ÷ raw JDBC ≥ 0.5", "", ""});
    rows.add(new String[] {"ingest ≥ 10× MLflow", "", ""});
    rows.add(new String[] {"ingest ahead of the faster Go server", "", ""});
    rows.add(new String[] {"search p50 < 50 ms (page 1 / page 10)", "", ""});
    rows.add(new String[] {"search ≥ 10× faster than MLflow (p50, page 1 / page 10)", "", ""});
    rows.add(new String[] {"search faster than both Go servers (p50, page 1 / page 10)", "", ""});
    rows.add(new String[] {"get-history full < 1 s", "", ""});
    rows.add(new String[] {"get-history-bulk-interval < 50 ms (p50)", "", ""});
    rows.add(new String[] {"history full and bulk-interval faster than both Go servers", "", ""});
    rows.add(new String[] {"start-up < 2 s (new DB / restart)", "", ""});
    for (int d = 0; d < 2; d++) {
      String db = dbs[d];
      Server cairn = find(servers, s -> s.isCairn() && s.db().equals(db));
      Server mlflow = find(servers, s -> s.isMlflow() && s.db().equals(db));
      List<Server> go = servers.stream().filter(s -> s.isGo() && s.db().equals(db)).toList();
      JsonNode raw = d == 0 ? rawSqlite : rawPg;
      int c = d + 1;
      if (cairn == null || !cairn.started()) {
        for (String[] r : rows) {
          r[c] = "not measured";
        }
        continue;
      }
      double ci = cairn.ingestRate();
      double ri = raw.path("points_per_s").asDouble(Double.NaN);
      rows.get(0)[c] = mark(ci / ri, 0.5, "%.2f");
      rows.get(1)[c] = mlflow == null || Double.isNaN(mlflow.ingestRate()) ? "no MLflow figure"
          : mark(ci / mlflow.ingestRate(), 10, "%.1f×");
      rows.get(2)[c] = vsBest(go, Server::ingestRate, ci, true);
      double p1 = cairn.searchP50("page1");
      double p10 = cairn.searchP50("page10");
      rows.get(3)[c] = below(p1, 50) + " / " + below(p10, 50);
      if (mlflow == null) {
        rows.get(4)[c] = "no MLflow figure";
      } else {
        rows.get(4)[c] = mark(mlflow.searchP50("page1") / p1, 10, "%.1f×") + " / "
            + mark(mlflow.searchP50("page10") / p10, 10, "%.1f×");
      }
      rows.get(5)[c] = vsBest(go, s -> s.searchP50("page1"), p1, false) + " / "
          + vsBest(go, s -> s.searchP50("page10"), p10, false);
      double full = cairn.historyFullP50();
      double bulk = cairn.bulkP50();
      rows.get(6)[c] = below(full, 1000);
      rows.get(7)[c] = below(bulk, 50);
      rows.get(8)[c] = vsBest(go, Server::historyFullP50, full, false) + " / "
          + vsBest(go, Server::bulkP50, bulk, false);
      rows.get(9)[c] = below(cairn.meta.path("startup_s").asDouble(Double.NaN) * 1000, 2000)
          + " / " + below(cairn.meta.path("restart_s").asDouble(Double.NaN) * 1000, 2000);
    }
    for (String[] r : rows) {
      t.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    t.append("\n✓ met, ✗ missed; ratios are Cairn ÷ peer for throughput and peer ÷ Cairn for"
        + " latency, so above 1 means Cairn is ahead. \"Go servers\" are mlflow-go-backend and"
        + " fasttrackml on the same database kind; a peer's figure counts only when it was measured"
        + " on the whole data set without errors (and with correct search pages).\n");
    return t.toString();
  }

  private static String vsBest(List<Server> go, ToDoubleFunction<Server> f, double cairn,
      boolean higherIsBetter) {
    double best = Double.NaN;
    String who = null;
    for (Server s : go) {
      double v = f.applyAsDouble(s);
      if (Double.isNaN(v) || v <= 0) {
        continue;
      }
      if (Double.isNaN(best) || (higherIsBetter ? v > best : v < best)) {
        best = v;
        who = s.label();
      }
    }
    if (who == null) {
      return "no Go figure";
    }
    double ratio = higherIsBetter ? cairn / best : best / cairn;
    return mark(ratio, 1.0, "%.2f×") + " vs " + who;
  }

  private static String mark(double v, double target, String fmt) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, fmt, v) + (v >= target ? " ✓" : " ✗");
  }

  private static String below(double v, double limitMs) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    String shown = limitMs >= 1000 && v >= 1000
        ? String.format(Locale.ROOT, "%.2f s", v / 1000)
        : String.format(Locale.ROOT, "%s ms", fmt(v, v < 10 ? 1 : 0));
    return shown + (v < limitMs ? " ✓" : " ✗");
  }

  private static Server find(List<Server> servers, java.util.function.Predicate<Server> p) {
    return servers.stream().filter(p).findFirst().orElse(null);
  }

  private static String whyIngest(Server s) {
    List<String> w = new ArrayList<>();
    add(w, s.meta.path("why").asText(""));
    add(w, s.meta.path("ingest_error").asText(""));
    if (s.ingest.path("errors").asLong() > 0) {
      add(w, s.ingest.path("errors").asLong() + " failed requests, first: "
          + s.ingest.path("first_error").asText());
      add(w, s.meta.path("server_log_error").asText(""));
    }
    return String.join("; ", w);
  }

  private static String whyReads(Server s) {
    List<String> w = new ArrayList<>();
    add(w, s.meta.path("why").asText(""));
    add(w, s.meta.path("load_error").asText(""));
    add(w, s.load.path("note").asText(""));
    add(w, s.meta.path("seed_error").asText(""));
    if (s.load.path("errors").asLong() > 0) {
      add(w, "load: " + s.load.path("errors").asLong() + " failed runs, first: "
          + s.load.path("first_error").asText());
    }
    add(w, s.meta.path("search_error").asText(""));
    if (s.load.path("runs_loaded").asLong(0) > 0) {
      add(w, s.search.path("problems").asText(""));
    }
    add(w, s.meta.path("history_error").asText(""));
    if (s.history.path("load_errors").asLong() > 0) {
      add(w, "history load: " + s.history.path("load_first_error").asText());
    }
    if (s.load.path("errors").asLong() > 0 || s.history.path("load_errors").asLong() > 0) {
      add(w, s.meta.path("server_log_error").asText(""));
    }
    if (s.history.has("full_correct") && !s.history.path("full_correct").asBoolean()
        && s.history.path("full_error").asText("").isEmpty()) {
      add(w, String.format(Locale.ROOT, "get-history returned %,d of %,d points",
          s.history.path("full_points_read").asLong(), s.history.path("points_loaded").asLong()));
    }
    add(w, s.history.path("full_error").asText(""));
    add(w, s.history.path("bulk_error").asText(""));
    return String.join("; ", w);
  }

  private static void add(List<String> w, String s) {
    if (s != null && !s.isBlank()) {
      w.add(s);
    }
  }

  private static String why(String s) {
    return Driver.shorten(s, 400).replace("|", "\\|");
  }

  private static String cell(String s) {
    return s.replace("|", "\\|");
  }

  private static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |\n";
  }

  private static String dbName(String db) {
    return switch (db) {
      case "sqlite" -> "SQLite";
      case "postgresql" -> "PostgreSQL";
      default -> db;
    };
  }

  private static String num(JsonNode n, String field, int decimals) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull() || v.asText().isEmpty()) {
      return "";
    }
    return fmt(v.asDouble(), decimals);
  }

  private static String ms2(JsonNode n, String p50, String p99) {
    if (!n.has(p50) || n.path(p50).isNull()) {
      return "";
    }
    double a = n.path(p50).asDouble();
    double b = n.path(p99).asDouble();
    return fmt(a, a < 10 ? 1 : 0) + " / " + fmt(b, b < 10 ? 1 : 0);
  }

  private static String fmt(double v, int decimals) {
    return String.format(Locale.ROOT, "%,." + decimals + "f", v);
  }

  private JsonNode read(String name) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.exists(p)) {
      return MissingNode.getInstance();
    }
    try {
      return Driver.JSON.readTree(p.toFile());
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private String document(JsonNode m, String tables) {
    String mode = m.path("mode").asText();
    StringBuilder d = new StringBuilder();
    d.append("# Benchmarks\n\n");
    d.append("Written by `bench/run.sh` on ").append(m.path("date").asText())
        .append("; run it again to refresh this page (it overwrites it).\n\n");
    d.append("```bash\n").append(m.path("command").asText()).append("\n```\n\n");
    d.append("Mode: **").append(mode).append("** — ").append(m.path("parameters").asText())
        .append(".");
    if (mode.equals("QUICK")) {
      d.append(" A quick run shows that the harness works end to end; its data sets are small, so"
          + " its figures are indicative, not the issue's measurement (run `bash bench/run.sh`"
          + " without `BENCH_QUICK` for that).");
    }
    d.append("\n\n## Machine\n\n| | |\n|---|---|\n");
    d.append("| CPU | ").append(m.path("cpu").asText()).append(" |\n");
    d.append("| cores (nproc) | ").append(m.path("nproc").asText()).append(" |\n");
    d.append("| memory | ").append(m.path("memory").asText()).append(" |\n");
    d.append("| OS | ").append(m.path("os").asText()).append(" |\n");
    d.append("| Java | ").append(m.path("java").asText()).append(" |\n");
    d.append("| PostgreSQL | ").append(m.path("postgresql").asText()).append(" |\n");
    d.append("| Python | ").append(m.path("python").asText()).append(" |\n");
    d.append("\n## Servers\n\n| server | version | started with |\n|---|---|---|\n");
    for (String k : List.of("cairn", "mlflow", "mlflow_go", "fasttrackml")) {
      d.append("| ").append(m.path(k + "_label").asText(k)).append(" | ")
          .append(cell(m.path(k + "_version").asText(""))).append(" | ")
          .append(cell(m.path(k + "_how").asText(""))).append(" |\n");
    }
    d.append("\n## Results\n\n").append(tables);
    d.append("\n## Method\n\n");
    d.append(m.path("method").asText("")).append("\n");
    return d.toString();
  }
}
