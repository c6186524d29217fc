package io.cairn.core.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The temporary {@code blob-*.part} files that uploads are hashed into before they become blobs
 * (and that diffs copy blobs into): made in one folder, known while this process uses them, and
 * swept when a crash or a killed request left them behind. The folder may be shared with other
 * servers (a shared artifact folder), so a sweep removes only files that this process does not use
 * and that nobody modified since a cutoff. Thread-safe.
 */
public final class PartFiles {
  /**
   * A part file that nobody wrote to for this long is abandoned, whoever made it: the age after
   * which the dataset code already takes over another writer's abandoned claim. A live upload keeps
   * its file's modification time fresh.
   */
  public static final long ABANDONED_MILLIS = DatasetService.STALE_CLAIM_MILLIS;

  static final String PREFIX = "blob-";
  static final String SUFFIX = ".part";

  private final Path dir;
  private final Set<Path> inUse = ConcurrentHashMap.newKeySet();
  private volatile boolean dirReady;

  /** Part files in {@code dir}, made when first needed (and again when removed meanwhile). */
  public PartFiles(Path dir) {
    this.dir = dir;
  }

  /** What a sweep removed. */
  public record Swept(int files, long bytes) {}

  /** Makes a new, empty part file, known as in use until {@link #release}. */
  Path create() {
    Path part = dir.resolve(PREFIX + UUID.randomUUID() + SUFFIX);
    inUse.add(part); // before it exists: a sweep never sees it unclaimed
    try {
      if (!dirReady) {
        Files.createDirectories(dir);
        dirReady = true;
      }
      try {
        createPrivate(part);
      } catch (NoSuchFileException e) {
        Files.createDirectories(dir); // removed while running: make it again
        createPrivate(part);
      }
      return part;
    } catch (IOException e) {
      inUse.remove(part);
      throw new UncheckedIOException(e);
    }
  }

  /** Creates the file readable by its owner only, as a temporary file should be. */
  private static void createPrivate(Path part) throws IOException {
    if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(part);
    }
  }

  /** Deletes a part file (already moved away is fine) and forgets it. */
  void release(Path part) {
    try {
      Files.deleteIfExists(part);
    } catch (IOException e) {
      // a leftover is removed by a later sweep
    }
    inUse.remove(part);
  }

  /**
   * Removes the part files that this process is not using and that were last modified before {@code
   * cutoffMillis} (epoch milliseconds). Never follows a link; files that vanish or cannot be
   * removed meanwhile are left to a later sweep.
   */
  public Swept sweep(long cutoffMillis) {
    int files = 0;
    long bytes = 0;
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return new Swept(0, 0);
    }
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path part : parts) {
        if (inUse.contains(part)) {
          continue;
        }
        try {
          BasicFileAttributes a =
              Files.readAttributes(part, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (a.isRegularFile()
              && a.lastModifiedTime().toMillis() < cutoffMillis
              && !inUse.contains(part)
              && Files.deleteIfExists(part)) {
            files++;
            bytes += a.size();
          }
        } catch (IOException e) {
          // gone meanwhile, or not ours to remove: left alone
        }
      }
    } catch (IOException e) {
      // the folder went away or cannot be listed now; a later sweep tries again
    }
    return new Swept(files, bytes);
  }
}
