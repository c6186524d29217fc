package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A dataset diff (the API's JSON) as text for people. */
final class DiffText {
  private static final String[][] STATS = {
    {"MEAN", "mean"},
    {"STD", "std"},
    {"MISSING", "missing"},
    {"DISTINCT", "distinct"},
    {"MIN", "min"},
    {"MAX", "max"}
  };

  private DiffText() {}

  static void print(JsonNode d, PrintStream o) {
    String name = d.path("dataset").asText();
    JsonNode added = d.path("added");
    JsonNode removed = d.path("removed");
    JsonNode renamed = d.path("renamed");
    JsonNode changed = d.path("changed");
    o.println(
        name
            + "@"
            + d.path("from").asText()
            + " -> "
            + name
            + "@"
            + d.path("to").asText()
            + ": "
            + added.size()
            + " added, "
            + removed.size()
            + " removed, "
            + renamed.size()
            + " renamed, "
            + changed.size()
            + " changed, "
            + d.path("unchanged").asLong()
            + " unchanged");
    for (JsonNode f : added) {
      o.println(
          "  + " + f.path("path").asText() + "  (" + Units.bytes(f.path("size").asLong()) + ")");
    }
    for (JsonNode f : removed) {
      o.println(
          "  - " + f.path("path").asText() + "  (" + Units.bytes(f.path("size").asLong()) + ")");
    }
    for (JsonNode r : renamed) {
      o.println("  R " + r.path("from").asText() + " -> " + r.path("to").asText());
    }
    for (JsonNode c : changed) {
      o.println(
          "  M "
              + c.path("path").asText()
              + "  ("
              + Units.bytes(c.path("before").path("size").asLong())
              + " -> "
              + Units.bytes(c.path("after").path("size").asLong())
              + ")");
      JsonNode t = c.path("table");
      if (t.isObject()) {
        table(t, o);
      }
    }
  }

  private static void table(JsonNode t, PrintStream o) {
    String indent = "      ";
    if (t.path("shifts").size() == 0
        && t.path("columns_added").size() == 0
        && t.path("columns_removed").size() == 0
        && t.hasNonNull("error")) {
      o.println(indent + "(not compared as tables: " + t.get("error").asText() + ")");
      return;
    }
    StringBuilder rows =
        new StringBuilder(indent)
            .append("rows ")
            .append(t.path("rows_before").asLong())
            .append(" -> ")
            .append(t.path("rows_after").asLong());
    if (t.hasNonNull("rows_added") || t.hasNonNull("rows_removed")) {
      rows.append(" (+")
          .append(t.path("rows_added").asLong())
          .append(" added, -")
          .append(t.path("rows_removed").asLong())
          .append(" removed)");
    }
    o.println(rows);
    if (t.path("columns_added").size() > 0) {
      o.println(indent + "columns added: " + join(t.path("columns_added")));
    }
    if (t.path("columns_removed").size() > 0) {
      o.println(indent + "columns removed: " + join(t.path("columns_removed")));
    }
    for (JsonNode tc : t.path("type_changes")) {
      o.println(
          indent
              + "type of "
              + tc.path("column").asText()
              + ": "
              + tc.path("before").asText()
              + " -> "
              + tc.path("after").asText());
    }
    if (t.hasNonNull("error")) {
      o.println(indent + "(rows not compared: " + t.get("error").asText() + ")");
    }
    if (t.path("shifts").size() > 0) {
      List<String> header = new ArrayList<>(List.of("COLUMN"));
      for (String[] s : STATS) {
        header.add(s[0]);
      }
      Table table = new Table(header.toArray(String[]::new));
      for (JsonNode shift : t.path("shifts")) {
        List<String> cells = new ArrayList<>(List.of(shift.path("column").asText()));
        for (String[] s : STATS) {
          cells.add(pair(shift.path("before").path(s[1]), shift.path("after").path(s[1])));
        }
        table.add(cells.toArray(String[]::new));
      }
      java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
      PrintStream p = new PrintStream(buffer, true, java.nio.charset.StandardCharsets.UTF_8);
      table.print(p);
      buffer
          .toString(java.nio.charset.StandardCharsets.UTF_8)
          .lines()
          .forEach(l -> o.println(indent + l));
    }
  }

  /** {@code a -> b} when a statistic moved, {@code a} when it did not. */
  static String pair(JsonNode before, JsonNode after) {
    String a = value(before);
    String b = value(after);
    return a.equals(b) ? a : (a.isEmpty() ? "-" : a) + " -> " + (b.isEmpty() ? "-" : b);
  }

  private static String value(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "";
    }
    if (n.isNumber() && !n.isIntegralNumber()) {
      return number(n.asDouble());
    }
    return n.asText();
  }

  /** A number with at most 6 significant digits, without trailing zeros. */
  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    int e = s.indexOf('e');
    String mantissa = e < 0 ? s : s.substring(0, e);
    String exponent = e < 0 ? "" : s.substring(e);
    if (mantissa.indexOf('.') >= 0) {
      mantissa = mantissa.replaceAll("0+$", "");
      if (mantissa.endsWith(".")) {
        mantissa = mantissa.substring(0, mantissa.length() - 1);
      }
    }
    return mantissa + exponent;
  }

  private static String join(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return String.join(", ", out);
  }
}
