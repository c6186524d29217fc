package io.cairn.client;

import io.cairn.client.DatasetsClient.FileEntry;
import io.cairn.core.error.CairnException;
import java.util.List;
import java.util.Locale;

/**
 * Names that a file system may take for git's own folder: {@code .git} in any case, with the
 * trailing dots and spaces or the {@code :stream} suffix that NTFS drops, its NTFS short name
 * {@code git~1}, and with the invisible code points that HFS+ ignores. A version's file under such
 * a name, pulled into a work tree, would be read by git as its own configuration ({@code
 * core.fsmonitor}, hooks...) and run commands of whoever pushed it; a push never takes them.
 */
final class GitNames {
  private GitNames() {}

  /** Whether one path segment (a file or folder name) may name git's folder somewhere. */
  static boolean isGitName(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    name.codePoints().filter(c -> !hfsIgnorable(c)).forEach(sb::appendCodePoint);
    String s = sb.toString();
    int colon = s.indexOf(':');
    if (colon >= 0) {
      s = s.substring(0, colon);
    }
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == ' ')) {
      end--;
    }
    s = s.substring(0, end).toLowerCase(Locale.ROOT);
    return s.equals(".git") || s.equals("git~1");
  }

  /** The first segment of a '/'-separated path that may name git's folder, or null. */
  static String gitSegment(String path) {
    for (String segment : path.split("/")) {
      if (isGitName(segment)) {
        return segment;
      }
    }
    return null;
  }

  /**
   * Refuses a pull of {@code version} (e.g. {@code wine@3}) when one of its files lies in git's
   * folder, before anything is written: INVALID_PARAMETER_VALUE naming the path and the way to
   * allow it.
   */
  static void checkPull(String version, List<FileEntry> files) {
    String first = null;
    int count = 0;
    for (FileEntry f : files) {
      if (gitSegment(f.path()) != null) {
        first = first == null ? f.path() : first;
        count++;
      }
    }
    if (first != null) {
      throw CairnException.invalid(
          "Refusing to write '%s'%s of %s: files inside a .git folder make git run commands"
              + " of whoever pushed them; pull with --allow-git-files to write them anyway.",
          first,
          count == 1 ? "" : " and " + (count - 1) + " more such path" + (count == 2 ? "" : "s"),
          version);
    }
  }

  /** Code points HFS+ leaves out of a name when it compares names (as git lists them). */
  private static boolean hfsIgnorable(int c) {
    return (c >= 0x200c && c <= 0x200f)
        || (c >= 0x202a && c <= 0x202e)
        || (c >= 0x206a && c <= 0x206f)
        || c == 0xfeff;
  }
}
