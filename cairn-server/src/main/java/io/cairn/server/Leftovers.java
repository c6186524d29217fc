package io.cairn.server;

import io.cairn.core.dataset.PartFiles;
import io.cairn.storage.local.LocalLeftovers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes, when a server starts, the temporary files that a crashed or killed run left behind.
 * Several servers may share one database and one artifact folder, but each has its own data dir:
 *
 * <ul>
 *   <li>in this server's own {@code <data-dir>/tmp} (dataset uploads with S3, DuckDB's spill
 *       folders), everything older than this process goes;
 *   <li>in folders other servers may share (dataset uploads in {@code .cairn-datasets-tmp}, DuckDB
 *       folders an older version made there, upload temporary files anywhere in a local artifact
 *       folder, multipart staging), only what nobody wrote for the age the code already takes as
 *       abandoned ({@link PartFiles#ABANDONED_MILLIS} for dataset parts, an hour for artifact
 *       uploads, a week for a multipart upload); the artifact folder is walked on a background
 *       thread, which {@link #close} stops;
 *   <li>in the system's temporary folder, ONNX inspection copies and S3 part spills nobody wrote
 *       for an hour.
 * </ul>
 *
 * <p>With S3, nothing temporary is kept in the bucket by Cairn: a multipart upload cut off by a
 * crash stays incomplete in S3 until the bucket's lifecycle rule aborts it.
 */
final class Leftovers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leftovers.class);
  private static final long HOUR = 60 * 60 * 1000L;

  private final AtomicBoolean stopped = new AtomicBoolean();
  private Thread walker;

  /** This server's own temporary folder: no other server shares a data dir. */
  static Path ownTemp(ServerConfig config) {
    return config.dataDir().resolve("tmp");
  }

  /** Where DuckDB spills: this server's own, so a crash's spill goes at the next start. */
  static Path duckDbFolder(ServerConfig config) {
    return ownTemp(config).resolve("duckdb");
  }

  /** Sweeps the small folders now and starts the walk of a local artifact folder. */
  static Leftovers sweep(ServerConfig config, Path blobTemp) {
    long now = System.currentTimeMillis();
    long processStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    Path own = ownTemp(config).toAbsolutePath().normalize();
    boolean partsOwn = blobTemp.toAbsolutePath().normalize().startsWith(own);
    long partsCutoff = partsOwn ? processStart : now - PartFiles.ABANDONED_MILLIS;
    int removed = new PartFiles(blobTemp).sweep(partsCutoff).files();
    removed += removeOlder(duckDbFolder(config), "cairn-duckdb-", processStart);
    // where DuckDB spilled before it moved to the data dir
    removed +=
        removeOlder(
            blobTemp.resolve("duckdb"), "cairn-duckdb-", partsOwn ? processStart : now - HOUR);
    Path system = Path.of(System.getProperty("java.io.tmpdir"));
    removed += removeOlder(system, "cairn-onnx", now - HOUR);
    removed += removeOlder(system, "cairn-s3-part-", now - HOUR);
    report(removed, "the temporary folders");

    Leftovers leftovers = new Leftovers();
    if (config.s3() == null) {
      leftovers.walk(config.artifactsDir(), now);
    }
    return leftovers;
  }

  private void walk(Path root, long now) {
    walker =
        new Thread(
            () -> report(LocalLeftovers.sweep(root, now, stopped::get), root.toString()),
            "cairn-leftovers");
    walker.setDaemon(true);
    walker.start();
  }

  private static void report(int removed, String where) {
    if (removed > 0) {
      LOG.info(
          "Removed {} temporary file{} that crashed or killed runs left in {}",
          removed,
          removed == 1 ? "" : "s",
          where);
    }
  }

  /**
   * Removes the entries of {@code folder} named {@code prefix...} whose newest file was modified
   * before {@code cutoffMillis}, folders whole; returns the files removed.
   */
  static int removeOlder(Path folder, String prefix, long cutoffMillis) {
    int removed = 0;
    if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, prefix + "*")) {
      for (Path entry : entries) {
        removed += removeIfOlder(entry, cutoffMillis);
      }
    } catch (IOException e) {
      // the folder cannot be listed now: left for a later start
    }
    return removed;
  }

  private static int removeIfOlder(Path entry, long cutoffMillis) {
    try {
      List<Path> tree;
      try (Stream<Path> walk = Files.walk(entry)) {
        tree = walk.sorted(Comparator.reverseOrder()).toList();
      }
      List<Path> files = new ArrayList<>();
      for (Path p : tree) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.lastModifiedTime().toMillis() >= cutoffMillis) {
          return 0;
        }
        if (!a.isDirectory()) {
          files.add(p);
        }
      }
      for (Path p : tree) {
        Files.deleteIfExists(p);
      }
      return files.size();
    } catch (IOException e) {
      return 0; // in use, vanished or not ours: left for a later start
    }
  }

  @Override
  public void close() {
    stopped.set(true);
    if (walker != null) {
      try {
        walker.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
