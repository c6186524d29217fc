package io.cairn.client;

/**
 * Git's wildcard matching of one gitignore pattern against a name or a path, on code points. With
 * {@code pathname}, {@code *}, {@code ?} and classes never match {@code /}, and {@code **} crosses
 * folders only as a whole segment ({@code **}{@code /x}, {@code x/**}, {@code x/**}{@code /y});
 * elsewhere {@code **} is {@code *}, except right after the pattern's literal start, as in git. A
 * pattern that ends in an escaping {@code \} or an unclosed class matches nothing. Stateless.
 */
final class Wildmatch {
  private static final int MATCH = 0;
  private static final int NO_MATCH = 1;

  /** Nothing can match however the stars before are stretched: the text ran out. */
  private static final int ABORT_ALL = 2;

  /** A single star met a slash: only an enclosing {@code **} may go on. */
  private static final int ABORT_TO_DOUBLE_STAR = 3;

  private Wildmatch() {}

  static boolean matches(int[] pattern, int[] text, boolean pathname) {
    int start = 0;
    if (pathname) {
      // As git does, the literal start is compared first and the rest matched on its own, so a
      // "**" right after it counts as starting the pattern: "a**/f" matches "a/b/f".
      while (start < pattern.length && "*?[\\".indexOf(pattern[start]) < 0) {
        if (start >= text.length || text[start] != pattern[start]) {
          return false;
        }
        start++;
      }
    }
    return match(pattern, start, text, start, pathname, start) == MATCH;
  }

  private static int match(int[] pat, int p, int[] text, int t, boolean pathname, int start) {
    for (; p < pat.length; p++, t++) {
      int pc = pat[p];
      if (t >= text.length && pc != '*') {
        return ABORT_ALL;
      }
      int tc = t < text.length ? text[t] : -1;
      switch (pc) {
        case '\\' -> {
          p++;
          if (p >= pat.length || tc != pat[p]) {
            return NO_MATCH;
          }
        }
        case '?' -> {
          if (pathname && tc == '/') {
            return NO_MATCH;
          }
        }
        case '[' -> {
          int end = classEnd(pat, p, tc);
          if (end < 0) {
            return ABORT_ALL;
          }
          boolean matched = end % 2 == 1;
          p = end / 2;
          if (!matched || (pathname && tc == '/')) {
            return NO_MATCH;
          }
        }
        case '*' -> {
          return star(pat, p, text, t, pathname, start);
        }
        default -> {
          if (tc != pc) {
            return NO_MATCH;
          }
        }
      }
    }
    return t >= text.length ? MATCH : NO_MATCH;
  }

  /** Matches from a star at {@code pat[p]} to the end of the pattern. */
  private static int star(int[] pat, int p, int[] text, int t, boolean pathname, int start) {
    boolean crossSlash = !pathname;
    int q = p + 1;
    if (q < pat.length && pat[q] == '*') {
      while (q < pat.length && pat[q] == '*') {
        q++;
      }
      boolean segmentStart = p == start || pat[p - 1] == '/';
      boolean segmentEnd =
          q == pat.length
              || pat[q] == '/'
              || (pat[q] == '\\' && q + 1 < pat.length && pat[q + 1] == '/');
      if (pathname && segmentStart && segmentEnd) {
        // "x/**/y" also matches "x/y": try the ** as no folder at all
        if (q < pat.length && pat[q] == '/' && match(pat, q + 1, text, t, true, start) == MATCH) {
          return MATCH;
        }
        crossSlash = true;
      }
    }
    if (q == pat.length) {
      if (!crossSlash) {
        for (int i = t; i < text.length; i++) {
          if (text[i] == '/') {
            return NO_MATCH;
          }
        }
      }
      return MATCH;
    }
    if (!crossSlash && pat[q] == '/') {
      // one star then a slash: the rest of this folder name, then the slash
      while (t < text.length && text[t] != '/') {
        t++;
      }
      return t >= text.length ? NO_MATCH : match(pat, q + 1, text, t + 1, pathname, start);
    }
    for (; t < text.length; t++) {
      int r = match(pat, q, text, t, pathname, start);
      if (r != NO_MATCH) {
        if (!crossSlash || r != ABORT_TO_DOUBLE_STAR) {
          return r;
        }
      } else if (!crossSlash && text[t] == '/') {
        return ABORT_TO_DOUBLE_STAR;
      }
    }
    return ABORT_ALL;
  }

  /**
   * Reads the class starting at {@code pat[open]} against {@code c}: returns {@code 2 * index of
   * its closing ']' + (1 when c is in the class, after negation)}, or -1 when the class is
   * malformed (unclosed, or an unknown {@code [:name:]}).
   */
  private static int classEnd(int[] pat, int open, int c) {
    int p = open + 1;
    if (p >= pat.length) {
      return -1;
    }
    boolean negated = pat[p] == '!' || pat[p] == '^';
    if (negated) {
      p++;
    }
    boolean matched = false;
    int prev = -1;
    for (boolean first = true; ; first = false, p++) {
      if (p >= pat.length) {
        return -1;
      }
      int pc = pat[p];
      if (pc == ']' && !first) {
        break;
      }
      if (pc == '\\') {
        p++;
        if (p >= pat.length) {
          return -1;
        }
        matched |= c == pat[p];
        prev = pat[p];
      } else if (pc == '-' && prev >= 0 && p + 1 < pat.length && pat[p + 1] != ']') {
        p++;
        int hi = pat[p];
        if (hi == '\\') {
          p++;
          if (p >= pat.length) {
            return -1;
          }
          hi = pat[p];
        }
        matched |= c >= prev && c <= hi;
        prev = -1;
      } else if (pc == '[' && p + 1 < pat.length && pat[p + 1] == ':') {
        int close = p + 2;
        while (close < pat.length && pat[close] != ']') {
          close++;
        }
        if (close >= pat.length) {
          return -1;
        }
        if (close - 1 < p + 2 || pat[close - 1] != ':') {
          // no ":]": the '[' is an ordinary member
          matched |= c == '[';
          prev = '[';
          continue;
        }
        Boolean in = posixClass(new String(pat, p + 2, close - 1 - (p + 2)), c);
        if (in == null) {
          return -1;
        }
        matched |= in;
        p = close;
        prev = -1;
      } else {
        matched |= c == pc;
        prev = pc;
      }
    }
    return 2 * p + (matched != negated ? 1 : 0);
  }

  /** Whether {@code c} is in the POSIX class (ASCII), or null for an unknown class name. */
  private static Boolean posixClass(String name, int c) {
    boolean ascii = c >= 0 && c < 128;
    return switch (name) {
      case "alnum" -> ascii && Character.isLetterOrDigit(c);
      case "alpha" -> ascii && Character.isLetter(c);
      case "blank" -> c == ' ' || c == '\t';
      case "cntrl" -> ascii && (c < 32 || c == 127);
      case "digit" -> c >= '0' && c <= '9';
      case "graph" -> c > 32 && c < 127;
      case "lower" -> c >= 'a' && c <= 'z';
      case "print" -> c >= 32 && c < 127;
      case "punct" -> c > 32 && c < 127 && !Character.isLetterOrDigit(c);
      case "space" -> c == ' ' || c == '\t' || c == '\n' || c == '\r';
      case "upper" -> c >= 'A' && c <= 'Z';
      case "xdigit" -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      default -> null;
    };
  }
}
