package io.cairn.core.tracking;

import java.nio.file.Path;

/**
 * MLflow's {@code resolve_uri_if_local} for an experiment's {@code artifact_location}: a relative
 * local path ({@code runs_here}, {@code ./a}) becomes an absolute path under the server's working
 * folder, and a relative {@code file:} URI ({@code file:a/b}) an absolute one ({@code
 * file:///cwd/a/b}). Absolute paths, absolute {@code file:} URIs and every other scheme are kept as
 * given. Stateless.
 */
public final class LocalLocation {
  private LocalLocation() {}

  /** The location resolved against {@code workingDir}, or the location itself when not relative. */
  public static String resolve(String location, Path workingDir) {
    if (location == null || location.isEmpty()) {
      return location;
    }
    String scheme = scheme(location);
    if (scheme.isEmpty()) {
      Path path = Path.of(location);
      return path.isAbsolute() ? location : posix(workingDir.resolve(path));
    }
    if (!scheme.equalsIgnoreCase("file")) {
      return location;
    }
    String rest = location.substring(scheme.length() + 1);
    if (rest.startsWith("/")) {
      return location; // file:/a, file:///a or file://host/a: already absolute
    }
    int cut = firstOf(rest, '?', '#');
    String path = rest.substring(0, cut);
    return "file://" + posix(workingDir.resolve(path)) + rest.substring(cut);
  }

  /** The URI scheme as Python's urlparse reads it: letters, digits, '+', '-', '.' before ':'. */
  private static String scheme(String location) {
    int colon = location.indexOf(':');
    if (colon <= 0 || !Character.isLetter(location.charAt(0))) {
      return "";
    }
    for (int i = 0; i < colon; i++) {
      char c = location.charAt(i);
      if (!Character.isLetterOrDigit(c) && c != '+' && c != '-' && c != '.') {
        return "";
      }
    }
    return location.substring(0, colon);
  }

  private static int firstOf(String text, char a, char b) {
    int i = text.indexOf(a);
    int j = text.indexOf(b);
    if (i < 0) {
      return j < 0 ? text.length() : j;
    }
    return j < 0 ? i : Math.min(i, j);
  }

  private static String posix(Path path) {
    return path.toAbsolutePath().normalize().toString().replace('\\', '/');
  }
}
