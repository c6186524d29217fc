package io.cairn.core.dataset;

import io.cairn.core.error.CairnException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of a version's file list: paths are relative, '/'-separated, without empty, "." or ".."
 * segments, control characters or backslashes, at most {@value #MAX_PATH_LENGTH} characters with
 * names of at most {@value #MAX_NAME_BYTES} bytes in UTF-8 (so that every file can be pulled), and
 * unique; sizes are not negative; sha256 digests are 64 lowercase hex digits.
 */
public final class Manifest {
  public static final int MAX_PATH_LENGTH = 1024;

  /** The longest file or folder name, in UTF-8 bytes: ext4's and most file systems' NAME_MAX. */
  public static final int MAX_NAME_BYTES = 255;

  public static final int MAX_FILES = 1_000_000;
  private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");

  private Manifest() {}

  /** The files sorted by path, after checking every rule; the first broken rule is the error. */
  public static List<DatasetFile> checked(List<DatasetFile> files) {
    if (files.isEmpty()) {
      throw CairnException.invalid("A dataset version needs at least one file.");
    }
    if (files.size() > MAX_FILES) {
      throw CairnException.invalid(
          "A dataset version holds at most %d files; this one has %d.", MAX_FILES, files.size());
    }
    Set<String> seen = new HashSet<>();
    for (DatasetFile f : files) {
      checkPath(f.path());
      checkSha256(f.sha256());
      if (f.size() < 0) {
        throw CairnException.invalid("File '%s' has a negative size: %d.", f.path(), f.size());
      }
      if (!seen.add(f.path())) {
        throw CairnException.invalid("File '%s' is listed twice.", f.path());
      }
    }
    List<DatasetFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparing(DatasetFile::path));
    for (int i = 1; i < sorted.size(); i++) {
      String dir = sorted.get(i - 1).path() + "/";
      if (sorted.get(i).path().startsWith(dir)) {
        throw CairnException.invalid(
            "'%s' cannot be both a file and a folder.", sorted.get(i - 1).path());
      }
    }
    return sorted;
  }

  public static void checkSha256(String sha256) {
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw CairnException.invalid(
          "'%s' is not a sha256 digest: expected 64 lowercase hexadecimal digits.", sha256);
    }
  }

  /** Checks a path to push or pull: {@link #checkForm} and names of at most 255 bytes. */
  public static void checkPath(String path) {
    checkForm(path);
    for (String segment : path.split("/", -1)) {
      // A char is at most 3 bytes in UTF-8: short names need no counting.
      int bytes =
          segment.length() * 3 <= MAX_NAME_BYTES
              ? 0
              : segment.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_NAME_BYTES) {
        throw CairnException.invalid(
            "File path '%s' has a name of %d bytes in UTF-8; file and folder names are at most %d"
                + " bytes (the limit of most file systems), so it could not be pulled. Rename it.",
            path, bytes, MAX_NAME_BYTES);
      }
    }
  }

  /**
   * Checks the form of a path (relative, no empty, '.' or '..' parts, no control characters or
   * backslashes, not too long), without the name length rule: what a path to look up in a version
   * must be, so that files pushed before that rule stay readable.
   */
  static void checkForm(String path) {
    if (path == null || path.isEmpty()) {
      throw CairnException.invalid("A file path is missing.");
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw CairnException.invalid(
          "File path '%s...' is longer than %d characters.",
          path.substring(0, 40), MAX_PATH_LENGTH);
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        throw CairnException.invalid(
            "File path '%s' contains a control character or a backslash.", path.strip());
      }
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw CairnException.invalid(
            "File path '%s' must be relative, with no empty, '.' or '..' parts.", path);
      }
    }
  }

  /**
   * The sha256 of the manifest's canonical text: one line "sha256 size path" per file, sorted by
   * path. Two versions with the same files have the same digest.
   */
  public static String digest(List<DatasetFile> sortedFiles) {
    MessageDigest md = sha256();
    for (DatasetFile f : sortedFiles) {
      md.update(
          (f.sha256() + " " + f.size() + " " + f.path() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
