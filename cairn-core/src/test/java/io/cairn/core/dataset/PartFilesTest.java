package io.cairn.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload part files: made private, known while in use, swept when abandoned. */
class PartFilesTest {
  private static final long HOUR = 3_600_000L;
  @TempDir Path dir;

  private static Path dated(Path file, long millis) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "x");
    Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
    return file;
  }

  @Test
  void sweep_removesOldPartsNotInUse_andNothingElse() throws Exception {
    long now = System.currentTimeMillis();
    Path folder = dir.resolve("tmp");
    PartFiles parts = new PartFiles(folder);
    Path inUse = parts.create();
    Files.setLastModifiedTime(inUse, FileTime.fromMillis(now - 2 * HOUR));
    Path old = dated(folder.resolve("blob-old.part"), now - 2 * HOUR);
    Path young = dated(folder.resolve("blob-young.part"), now - 60_000);
    Path notPart = dated(folder.resolve("blob-old.tmp"), now - 2 * HOUR);
    Path outside = dated(dir.resolve("outside.txt"), now - 2 * HOUR);
    Path link = Files.createSymbolicLink(folder.resolve("blob-link.part"), outside);

    PartFiles.Swept swept = parts.sweep(now - HOUR);

    assertThat(swept).isEqualTo(new PartFiles.Swept(1, 1));
    assertThat(old).doesNotExist();
    assertThat(inUse).exists();
    assertThat(young).exists();
    assertThat(notPart).exists();
    assertThat(link).exists();
    assertThat(outside).exists();
    parts.release(inUse);
    assertThat(inUse).doesNotExist();
    dated(inUse, now - 2 * HOUR); // a leftover of the same name is no longer in use
    assertThat(parts.sweep(now - HOUR).files()).isEqualTo(1);
  }

  @Test
  void create_makesTheFolder_andAFileOnlyItsOwnerReads() throws Exception {
    PartFiles parts = new PartFiles(dir.resolve("a/b"));
    Path part = parts.create();
    assertThat(part.getFileName().toString()).startsWith("blob-").endsWith(".part");
    if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(part)))
          .isEqualTo("rw-------");
    }
    Files.delete(part);
    Files.delete(dir.resolve("a/b"));
    assertThat(parts.create()).exists(); // the folder removed meanwhile is made again
    assertThat(new PartFiles(dir.resolve("none")).sweep(Long.MAX_VALUE).files()).isZero();
  }
}
