package io.cairn.client;

import io.cairn.core.error.CairnException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of a {@code .cairnignore} file, in gitignore syntax, as git reads a {@code .gitignore}
 * at the top of a work tree: one pattern a line; blank lines and lines starting with {@code #} are
 * skipped; trailing spaces are dropped unless escaped; {@code !} re-includes; a trailing {@code /}
 * matches folders only; a pattern with a {@code /} at its start or middle is anchored at the root,
 * one without matches a name at any depth; {@code *} and {@code ?} stop at {@code /}, {@code **}
 * between slashes crosses folders, {@code [a-z]}, {@code [!a-z]} and {@code [[:alpha:]]} are
 * classes, and {@code \} escapes. The last matching rule decides. Matching is case-sensitive, and
 * {@code ?} and a class match one character (git matches one byte of UTF-8). Immutable and
 * thread-safe.
 *
 * <p>As in git, a file cannot be re-included when a folder above it is ignored: the caller skips an
 * ignored folder whole, never asking about what is inside.
 */
final class IgnoreRules {
  /** The file at the top of a pushed folder that holds the rules. */
  static final String FILE_NAME = ".cairnignore";

  private static final IgnoreRules NONE = new IgnoreRules(List.of());

  /** One pattern: its code points, and how it applies. */
  private record Rule(int[] pattern, boolean negated, boolean foldersOnly, boolean anyDepth) {}

  private final List<Rule> rules;

  private IgnoreRules(List<Rule> rules) {
    this.rules = rules;
  }

  static IgnoreRules none() {
    return NONE;
  }

  /**
   * The rules of {@code folder}'s {@code .cairnignore}, or none when it has none (a symbolic link
   * is not followed). Fails with INVALID_PARAMETER_VALUE when the file cannot be read.
   */
  static IgnoreRules of(Path folder) {
    Path file = folder.resolve(FILE_NAME);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return NONE;
    }
    try {
      return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw CairnException.invalid("Cannot read %s: %s", file, LocalFiles.describe(e));
    }
  }

  /** The rules in {@code text}, a file's content. */
  static IgnoreRules parse(String text) {
    List<Rule> rules = new ArrayList<>();
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    for (String line : body.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.startsWith("#")) {
        continue;
      }
      line = trimTrailingSpaces(line);
      boolean negated = line.startsWith("!");
      if (negated) {
        line = line.substring(1);
      }
      boolean foldersOnly = line.endsWith("/");
      if (foldersOnly) {
        line = line.substring(0, line.length() - 1);
      }
      boolean anyDepth = line.indexOf('/') < 0;
      if (!anyDepth && line.startsWith("/")) {
        line = line.substring(1);
      }
      if (!line.isEmpty()) {
        rules.add(new Rule(line.codePoints().toArray(), negated, foldersOnly, anyDepth));
      }
    }
    return rules.isEmpty() ? NONE : new IgnoreRules(List.copyOf(rules));
  }

  boolean isEmpty() {
    return rules.isEmpty();
  }

  /**
   * Whether the rules ignore {@code path} ('/'-separated, relative to the folder of the rules), a
   * folder when {@code folder}. Folders above it are not consulted.
   */
  boolean ignores(String path, boolean folder) {
    int[] full = null;
    int[] name = null;
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if (r.foldersOnly() && !folder) {
        continue;
      }
      boolean matched;
      if (r.anyDepth()) {
        if (name == null) {
          name = path.substring(path.lastIndexOf('/') + 1).codePoints().toArray();
        }
        matched = Wildmatch.matches(r.pattern(), name, false);
      } else {
        if (full == null) {
          full = path.codePoints().toArray();
        }
        matched = Wildmatch.matches(r.pattern(), full, true);
      }
      if (matched) {
        return !r.negated();
      }
    }
    return false;
  }

  /** Drops trailing spaces that no backslash escapes, as git does. */
  private static String trimTrailingSpaces(String line) {
    int lastSpace = -1;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == ' ') {
        if (lastSpace < 0) {
          lastSpace = i;
        }
      } else if (c == '\\') {
        i++;
        if (i >= line.length()) {
          return line;
        }
        lastSpace = -1;
      } else {
        lastSpace = -1;
      }
    }
    return lastSpace < 0 ? line : line.substring(0, lastSpace);
  }
}
