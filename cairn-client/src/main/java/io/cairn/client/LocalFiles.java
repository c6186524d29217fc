package io.cairn.client;

import io.cairn.core.dataset.Manifest;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Local files of a dataset: finding them under a folder, hashing them, working on them in parallel.
 */
final class LocalFiles {
  /** Read buffer for hashing and downloads. */
  static final int BUFFER = 1 << 20;

  /** Names of the temporary files a pull writes before moving them into place. */
  static final String PULL_TEMP_PREFIX = ".cairn-pull-";

  private LocalFiles() {}

  /** A file to push: its path in the dataset ('/'-separated), where it is, its size when found. */
  record LocalFile(String path, Path file, long size) {}

  /** A file's sha256 and the number of bytes that were hashed. */
  record Hashed(String sha256, long size) {}

  /** The files a push takes from a file or a folder (see {@link FolderScan}). */
  static List<LocalFile> walk(Path fileOrFolder, Consumer<String> warn) {
    return FolderScan.scan(fileOrFolder, warn).files();
  }

  /** An I/O failure in words: its kind and what it names. */
  static String describe(IOException e) {
    String kind =
        switch (e.getClass().getSimpleName()) {
          case "NoSuchFileException" -> "no such file";
          case "AccessDeniedException" -> "permission denied";
          case "FileAlreadyExistsException" -> "already exists";
          case "NotDirectoryException" -> "not a folder";
          case "DirectoryNotEmptyException" -> "folder not empty";
          default -> e.getClass().getSimpleName();
        };
    return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
  }

  /** {@code file}'s path under {@code root}, with '/' between names whatever the platform. */
  static String relative(Path root, Path file) {
    Path rel = root.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path name : rel) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(name.toString());
    }
    return sb.toString();
  }

  /** Hashes a file with {@code buffer}, reporting each chunk's length to {@code read}. */
  static Hashed sha256(Path file, byte[] buffer, LongConsumer read) throws IOException {
    MessageDigest md = Manifest.sha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        md.update(buffer, 0, n);
        size += n;
        read.accept(n);
      }
    }
    return new Hashed(HexFormat.of().formatHex(md.digest()), size);
  }

  /** Work on one item that may fail. */
  interface Task<T> {
    void run(T item) throws Exception;
  }

  /**
   * Runs {@code task} on every item, at most {@code threads} at once. The first failure stops the
   * others (their threads are interrupted and waited for) and is thrown.
   */
  static <T> void forEach(List<T> items, int threads, String name, Task<T> task) {
    if (items.isEmpty()) {
      return;
    }
    AtomicInteger count = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(threads, items.size())),
            r -> {
              Thread t = new Thread(r, "cairn-" + name + "-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    CompletionService<Void> done = new ExecutorCompletionService<>(pool);
    try {
      for (T item : items) {
        done.submit(
            () -> {
              task.run(item);
              return null;
            });
      }
      for (int i = 0; i < items.size(); i++) {
        try {
          done.take().get();
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.ABORTED, "Interrupted", e);
    } finally {
      pool.shutdownNow();
      try {
        pool.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    if (cause instanceof InterruptedException) {
      return new CairnException(ErrorCode.ABORTED, "Interrupted", cause);
    }
    return new CairnException(ErrorCode.INTERNAL_ERROR, String.valueOf(cause.getMessage()), cause);
  }
}
