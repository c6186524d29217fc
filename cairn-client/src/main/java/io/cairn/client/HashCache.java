package io.cairn.client;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the sha256 of each pushed file with its size, modification time and file key (inode),
 * so that pushing an unchanged folder again reads no file, as DVC's state database and Git's index
 * do. One small text file per pushed folder under the user's cache folder ({@code
 * $CAIRN_CACHE_DIR}, else {@code $XDG_CACHE_HOME/cairn}, else {@code ~/.cache/cairn}).
 *
 * <p>Like Git's "racily clean" rule, an entry whose file was modified less than two seconds before
 * the cache was written is not trusted (a later write within the same clock tick could go unseen).
 * A cache that cannot be read or written is simply not used; the server verifies every upload
 * anyway.
 */
final class HashCache {
  private static final String HEADER = "# cairn hash cache v1 ";
  private static final long RACY_MILLIS = 2000;

  private final Path file;
  private final Map<String, Entry> known = new HashMap<>();
  private final Map<String, Entry> seen = new ConcurrentHashMap<>();
  private long writtenAt;

  private record Entry(long size, long modifiedNanos, String key, String sha256) {}

  private HashCache(Path file) {
    this.file = file;
  }

  /** The cache of a folder (or single file) being pushed; empty when {@code disabled}. */
  static HashCache of(Path root, boolean disabled) {
    Path dir = cacheDir();
    if (disabled || dir == null) {
      return new HashCache(null);
    }
    String id;
    try {
      id =
          HexFormat.of()
              .formatHex(
                  java.security.MessageDigest.getInstance("SHA-256")
                      .digest(root.toRealPath().toString().getBytes(StandardCharsets.UTF_8)))
              .substring(0, 24);
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      return new HashCache(null);
    }
    HashCache cache = new HashCache(dir.resolve("hashes-" + id + ".tsv"));
    cache.load();
    return cache;
  }

  private static Path cacheDir() {
    String configured = System.getenv("CAIRN_CACHE_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "cairn");
    }
    String home = System.getProperty("user.home");
    return home == null ? null : Path.of(home, ".cache", "cairn");
  }

  private void load() {
    if (file == null || !Files.isRegularFile(file)) {
      return;
    }
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = in.readLine();
      if (first == null || !first.startsWith(HEADER)) {
        return;
      }
      writtenAt = Long.parseLong(first.substring(HEADER.length()).trim());
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split("\t", 5);
        if (f.length == 5) {
          known.put(f[4], new Entry(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2], f[3]));
        }
      }
    } catch (IOException | RuntimeException e) {
      known.clear();
    }
  }

  /** The remembered digest of a file, if it is unchanged since it was hashed. */
  String lookup(String path, Path local) {
    if (file == null) {
      return null;
    }
    Entry e = known.get(path);
    if (e == null) {
      return null;
    }
    Entry now = stat(local, null);
    if (now == null
        || now.size() != e.size()
        || now.modifiedNanos() != e.modifiedNanos()
        || !now.key().equals(e.key())
        || now.modifiedNanos() / 1_000_000 >= writtenAt - RACY_MILLIS) {
      return null;
    }
    seen.put(path, e);
    return e.sha256();
  }

  /** Records a digest just computed. */
  void remember(String path, Path local, String sha256) {
    if (file == null) {
      return;
    }
    Entry e = stat(local, sha256);
    if (e != null) {
      seen.put(path, e);
    }
  }

  /** Writes the entries of this push (atomically); failures leave the old cache or none. */
  void save() {
    if (file == null) {
      return;
    }
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), "hashes-", ".tmp");
      try (BufferedWriter out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        out.write(HEADER + System.currentTimeMillis() + "\n");
        for (Map.Entry<String, Entry> x : seen.entrySet()) {
          Entry e = x.getValue();
          if (x.getKey().indexOf('\n') >= 0) {
            continue;
          }
          out.write(
              e.size()
                  + "\t"
                  + e.modifiedNanos()
                  + "\t"
                  + e.key()
                  + "\t"
                  + e.sha256()
                  + "\t"
                  + x.getKey()
                  + "\n");
        }
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // no cache next time: the files are hashed again
    }
  }

  private static Entry stat(Path local, String sha256) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(local, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long nanos = a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
      return new Entry(a.size(), nanos, String.valueOf(a.fileKey()).replace('\t', ' '), sha256);
    } catch (IOException e) {
      return null;
    }
  }
}
