package io.cairn.ml.table;

import java.sql.SQLException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells DuckDB's complaints about a file (the user's data) from failures of DuckDB or of this
 * adapter, and turns the former into one sentence without paths or SQL.
 */
final class DuckDbErrors {
  /** DuckDB's error types that describe the file read, not the engine. */
  private static final String[] DATA_ERRORS = {
    "Invalid Input Error",
    "Conversion Error",
    "IO Error",
    "Out of Range Error",
    "Not implemented Error"
  };

  private static final Pattern TYPE_PREFIX = Pattern.compile("^[A-Za-z ]+ Error: ");
  private static final Pattern CSV_LINE = Pattern.compile("^CSV Error on Line: (\\d+)");
  private static final int MAX_REASON = 300;

  private DuckDbErrors() {}

  /**
   * Whether {@code e} says something about the file read (malformed, undecodable, not of its
   * format) rather than about the engine (out of memory, disk full while spilling, internal errors,
   * a bug in the SQL this adapter wrote).
   */
  static boolean isDataError(SQLException e, String spillDir) {
    String m = message(e);
    boolean data = false;
    for (String type : DATA_ERRORS) {
      if (m.startsWith(type + ":")) {
        data = true;
        break;
      }
    }
    if (!data) {
      return false;
    }
    if (m.startsWith("IO Error:")) {
      // Spilling to the temporary directory failed: the machine's problem, not the file's.
      String lower = m.toLowerCase(Locale.ROOT);
      return !(m.contains(spillDir)
          || lower.contains("no space left")
          || lower.contains("temporary")
          || lower.contains("max_temp_directory_size"));
    }
    return true;
  }

  /** Whether a CSV value late in the file did not fit the type sniffed from its first rows. */
  static boolean isLateConversionError(SQLException e) {
    String m = message(e);
    return m.startsWith("Conversion Error:") || m.contains("Could not convert string");
  }

  /** Whether DuckDB gave up on the whole database after a fatal error. */
  static boolean isDatabaseInvalidated(SQLException e) {
    String m = message(e).toLowerCase(Locale.ROOT);
    return m.contains("database has been invalidated") || m.startsWith("fatal error");
  }

  /**
   * DuckDB's complaint as one clause: the error type, the SQL echo, the file's path, the lists of
   * "possible solutions" and the reader's options are dropped; a CSV line number is kept.
   */
  static String reason(SQLException e, String path) {
    String m = message(e);
    int cut = m.indexOf("\nLINE ");
    if (cut >= 0) {
      m = m.substring(0, cut);
    }
    Matcher prefix = TYPE_PREFIX.matcher(m);
    if (prefix.find()) {
      m = m.substring(prefix.end());
    }
    String line = null;
    String detail = null;
    for (String raw : m.split("\n")) {
      String s = raw.strip();
      Matcher csvLine = CSV_LINE.matcher(s);
      if (csvLine.find()) {
        line = csvLine.group(1);
        continue;
      }
      if (s.isEmpty()
          || s.startsWith("Error when sniffing file")
          || s.startsWith("Original Line:")) {
        continue;
      }
      detail = s;
      break;
    }
    if (detail == null) {
      detail = "DuckDB could not read it";
    }
    detail =
        detail
            .replace("\"" + path + "\"", "the file")
            .replace("'" + path + "'", "the file")
            .replace(path, "the file");
    if (detail.endsWith(": the file")) {
      detail = detail.substring(0, detail.length() - ": the file".length());
    }
    detail = oneSentence(detail);
    if (line != null) {
      detail = "line " + line + ": " + detail;
    }
    if (detail.length() > MAX_REASON) {
      detail = detail.substring(0, MAX_REASON - 3).strip() + "...";
    }
    return detail;
  }

  /** "A. B." becomes "a; b": DuckDB often explains in two short sentences. */
  private static String oneSentence(String s) {
    String t = s.strip();
    while (t.endsWith(".")) {
      t = t.substring(0, t.length() - 1);
    }
    StringBuilder out = new StringBuilder(t.length());
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '.'
          && i + 2 < t.length()
          && t.charAt(i + 1) == ' '
          && Character.isUpperCase(t.charAt(i + 2))) {
        out.append("; ").append(Character.toLowerCase(t.charAt(i + 2)));
        i += 2;
      } else {
        out.append(c);
      }
    }
    if (!out.isEmpty() && Character.isUpperCase(out.charAt(0))) {
      boolean acronym = out.length() > 1 && Character.isUpperCase(out.charAt(1));
      if (!acronym) {
        out.setCharAt(0, Character.toLowerCase(out.charAt(0)));
      }
    }
    return out.toString();
  }

  private static String message(SQLException e) {
    return e.getMessage() == null ? "" : e.getMessage();
  }
}
