package io.cairn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Writes runs {@code from..runs-1} of the search data set straight into a peer's own database, for
 * peers too slow to load 100,000 runs through their API in a session (MLflow: about 30 runs/s). It
 * copies what the server itself wrote for a template run that was loaded through the API (every
 * row of runs, params, tags, metrics and latest_metrics, whatever their columns), changing only
 * what differs between runs of the data set: the run id (also inside strings such as the artifact
 * URI), name, start time and timestamps, param, tag and metric values, and a row number column
 * (fasttrackml's row_num). Each substitution must find its column in the template, or the seed
 * fails saying which; the search benchmark then checks the pages the server returns against the
 * data set, so a seed the server does not read as its own shows as wrong pages.
 */
final class Seed {
  private static final List<String> TABLES =
      List.of("runs", "params", "tags", "metrics", "latest_metrics");
  private static final int RUNS_PER_TRANSACTION = 1000;

  private final Driver.Opts o;

  Seed(Driver.Opts o) {
    this.o = o;
  }

  /** One table's template rows: column names and the values of each row. */
  private record Template(String table, List<String> columns, List<Object[]> rows) {}

  ObjectNode run() throws Exception {
    String jdbc = o.required("jdbc");
    int from = o.intOpt("from", 100);
    int runs = o.intOpt("runs", 100_000);
    int template = o.intOpt("template", 1);
    if (template >= from) {
      throw new IllegalArgumentException("--template must be one of the runs loaded before --from");
    }
    ObjectNode out = Driver.JSON.createObjectNode();
    out.put("kind", "seed");
    out.put("from", from);
    out.put("runs_wanted", runs);
    long t0 = System.nanoTime();
    int seeded = 0;
    try (Connection c = DriverManager.getConnection(jdbc)) {
      if (jdbc.startsWith("jdbc:sqlite:")) {
        try (var st = c.createStatement()) {
          st.execute("PRAGMA busy_timeout = 60000");
        }
      }
      String templateId = templateRun(c, SearchData.name(template));
      List<Template> templates = new ArrayList<>();
      Set<String> present = tables(c);
      for (String table : TABLES) {
        if (present.contains(table)) {
          templates.add(read(c, table, templateId));
        }
      }
      long rowNum = maxRowNum(c, templates);
      c.setAutoCommit(false);
      Map<String, PreparedStatement> inserts = new LinkedHashMap<>();
      for (Template t : templates) {
        inserts.put(t.table(), c.prepareStatement(insertSql(t)));
      }
      Set<String> substituted = new HashSet<>();
      for (int i = from; i < runs; i++) {
        String id = runId(i);
        for (Template t : templates) {
          PreparedStatement ps = inserts.get(t.table());
          for (Object[] row : t.rows()) {
            Object[] values = substitute(t, row, templateId, template, id, i, rowNum + i - from + 1,
                substituted);
            for (int k = 0; k < values.length; k++) {
              ps.setObject(k + 1, values[k]);
            }
            ps.addBatch();
          }
        }
        if ((i - from + 1) % RUNS_PER_TRANSACTION == 0 || i == runs - 1) {
          if (seeded == 0) {
            requireSubstituted(templates, substituted); // before anything is committed
          }
          for (PreparedStatement ps : inserts.values()) {
            ps.executeBatch();
          }
          c.commit();
          seeded = i - from + 1;
          if (seeded % 20_000 == 0) {
            Driver.log("seed: %d runs, %.0f s", seeded, (System.nanoTime() - t0) / 1e9);
          }
        }
      }
      for (PreparedStatement ps : inserts.values()) {
        ps.close();
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    out.put("runs_seeded", seeded);
    out.put("complete", seeded == runs - from);
    out.put("seconds", Math.round(secs * 10) / 10.0);
    Driver.log("seed: %d runs written into the database in %.1f s", seeded, secs);
    return out;
  }

  /** A run id in MLflow's form (32 hex digits), the same for run i on every server. */
  static String runId(int i) {
    SplittableRandom r = new SplittableRandom(0x5eed_1d00L + i);
    return String.format("%016x%016x", r.nextLong(), r.nextLong());
  }

  private static String templateRun(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT run_uuid FROM runs WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("the template run " + name + " is not in the database");
        }
        return rs.getString(1);
      }
    }
  }

  private static Set<String> tables(Connection c) throws SQLException {
    Set<String> names = new HashSet<>();
    DatabaseMetaData md = c.getMetaData();
    try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
      }
    }
    return names;
  }

  private static Template read(Connection c, String table, String runId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT * FROM " + table + " WHERE run_uuid = ?")) {
      ps.setString(1, runId);
      try (ResultSet rs = ps.executeQuery()) {
        ResultSetMetaData md = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int k = 1; k <= md.getColumnCount(); k++) {
          columns.add(md.getColumnName(k).toLowerCase(java.util.Locale.ROOT));
        }
        List<Object[]> rows = new ArrayList<>();
        while (rs.next()) {
          Object[] row = new Object[columns.size()];
          for (int k = 0; k < row.length; k++) {
            row[k] = rs.getObject(k + 1);
          }
          rows.add(row);
        }
        if (rows.isEmpty()) {
          throw new IllegalStateException("the template run has no rows in " + table);
        }
        return new Template(table, columns, rows);
      }
    }
  }

  /** The highest row number so far, for a runs table with fasttrackml's row_num column. */
  private static long maxRowNum(Connection c, List<Template> templates) throws SQLException {
    if (!templates.get(0).columns().contains("row_num")) {
      return 0;
    }
    try (var st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT MAX(row_num) FROM runs")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  private static String insertSql(Template t) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.table()).append(" (");
    StringBuilder marks = new StringBuilder();
    for (int k = 0; k < t.columns().size(); k++) {
      sql.append(k == 0 ? "" : ", ").append('"').append(t.columns().get(k)).append('"');
      marks.append(k == 0 ? "?" : ", ?");
    }
    return sql.append(") VALUES (").append(marks).append(')').toString();
  }

  /** The template row with run i's values in place of the template run's. */
  private static Object[] substitute(Template t, Object[] row, String templateId, int template,
      String id, int i, long rowNum, Set<String> done) {
    Object[] v = row.clone();
    int keyAt = t.columns().indexOf("key");
    String key = keyAt < 0 ? null : String.valueOf(row[keyAt]);
    for (int k = 0; k < v.length; k++) {
      String column = t.columns().get(k);
      Object value = row[k];
      if (column.equals("run_uuid")) {
        v[k] = id;
        done.add(t.table() + ".run_uuid");
      } else if (column.equals("row_num")) {
        v[k] = rowNum;
      } else if ((column.equals("start_time") || column.equals("timestamp"))
          && value instanceof Number n && n.longValue() == SearchData.startTime(template)) {
        v[k] = SearchData.startTime(i);
        done.add(t.table() + ".time");
      } else if (t.table().equals("runs") && column.equals("name")) {
        v[k] = SearchData.name(i);
        done.add("runs.name");
      } else if (key != null && k != keyAt && isValueColumn(column)) {
        Object replaced = valueFor(t.table(), key, value, template, i);
        if (replaced != null) {
          v[k] = replaced;
          done.add(t.table() + ".value");
        }
      }
      if (v[k] instanceof String s && s.contains(templateId)) {
        v[k] = s.replace(templateId, id); // the artifact URI, say
      }
    }
    return v;
  }

  private static boolean isValueColumn(String column) {
    return column.equals("value") || column.equals("value_str") || column.equals("value_float");
  }

  /** Run i's value for the key, when {@code value} is the template's; null otherwise. */
  private static Object valueFor(String table, String key, Object value, int template, int i) {
    switch (table) {
      case "params" -> {
        int p = index(key, "p");
        if (p >= 0 && SearchData.paramValue(template, p).equals(value)) {
          return SearchData.paramValue(i, p);
        }
      }
      case "tags" -> {
        if (key.equals("mlflow.runName") && SearchData.name(template).equals(value)) {
          return SearchData.name(i);
        }
        int t = index(key, "t");
        if (t >= 0 && SearchData.tagValue(template, t).equals(value)) {
          return SearchData.tagValue(i, t);
        }
      }
      case "metrics", "latest_metrics" -> {
        int m = index(key, "m");
        if (m >= 0 && value instanceof Number n
            && n.doubleValue() == SearchData.metrics(template)[m]) {
          return SearchData.metrics(i)[m];
        }
      }
      default -> {
        return null;
      }
    }
    return null;
  }

  private static int index(String key, String prefix) {
    if (!key.startsWith(prefix) || key.length() == prefix.length()) {
      return -1;
    }
    try {
      return Integer.parseInt(key.substring(prefix.length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void requireSubstituted(List<Template> templates, Set<String> done) {
    List<String> wanted = new ArrayList<>(List.of("runs.name", "runs.time"));
    for (Template t : templates) {
      wanted.add(t.table() + ".run_uuid");
      if (!t.table().equals("runs")) {
        wanted.add(t.table() + ".value");
      }
      if (t.table().endsWith("metrics")) {
        wanted.add(t.table() + ".time");
      }
    }
    wanted.removeAll(done);
    if (!wanted.isEmpty()) {
      throw new IllegalStateException("the template run's rows had no column for " + wanted
          + ": this server's schema is not one the seed knows");
    }
  }
}
