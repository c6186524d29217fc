package io.cairn.storage.local;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.function.BooleanSupplier;

/**
 * Sweeps what crashed or cut-off uploads left in a local artifact folder, by the ages the store
 * already uses: an upload's hidden temporary file not written for an hour ({@link
 * LocalArtifactRepository#ABANDONED_AFTER_MILLIS}), a multipart upload neither completed nor
 * aborted for a week, and a multipart part's temporary file not written for an hour. Other servers
 * sharing the folder write their files fresh, so they keep theirs. A listing already removes the
 * temporary files of the folder it lists; this pass finds the ones no listing reaches.
 */
public final class LocalLeftovers {
  private LocalLeftovers() {}

  /**
   * Walks {@code root} (never following a link) and removes what is abandoned at {@code nowMillis};
   * stops early when {@code stop} says so. Returns the files removed; failures leave a file for a
   * later pass.
   */
  public static int sweep(Path root, long nowMillis, BooleanSupplier stop) {
    long cutoff = nowMillis - LocalArtifactRepository.ABANDONED_AFTER_MILLIS;
    Path staging = root.resolve(LocalMultipartUploads.STAGING);
    int[] removed = {0};
    try {
      Files.walkFileTree(
          root,
          EnumSet.noneOf(FileVisitOption.class),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              if (stop.getAsBoolean()) {
                return FileVisitResult.TERMINATE;
              }
              if (dir.equals(staging)) {
                removed[0] += LocalMultipartUploads.removeAbandonedUploads(staging, nowMillis);
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()
                  && file.getFileName().toString().startsWith(LocalArtifactRepository.TEMP_PREFIX)
                  && attrs.lastModifiedTime().toMillis() < cutoff) {
                try {
                  removed[0] += Files.deleteIfExists(file) ? 1 : 0;
                } catch (IOException e) {
                  // not ours to remove now; a later pass tries again
                }
              }
              return stop.getAsBoolean() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // vanished or unreadable: nothing to sweep there
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // the root itself cannot be walked now; a later start tries again
    }
    return removed[0];
  }
}
