package io.cairn.storage.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up sweep of a local artifact folder, by the ages the store already uses. */
class LocalLeftoversTest {
  private static final long HOUR = 3_600_000L;
  @TempDir Path dir;

  private static Path dated(Path file, long millis) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "x");
    Files.setLastModifiedTime(file, FileTime.fromMillis(millis));
    return file;
  }

  @Test
  void sweep_removesAbandonedUploadFiles_atAnyDepth_andAbandonedMultipartUploads()
      throws Exception {
    long now = System.currentTimeMillis();
    Path root = dir.resolve("artifacts");
    String temp = LocalArtifactRepository.TEMP_PREFIX;
    Path deep = dated(root.resolve("1/r/artifacts/a/b/" + temp + "1"), now - 2 * HOUR);
    Path blobTemp = dated(root.resolve(".cairn-datasets/sha256/ab/" + temp + "2"), now - 2 * HOUR);
    Path writing = dated(root.resolve("1/r/artifacts/" + temp + "3"), now - 10 * 60_000);
    Path artifact = dated(root.resolve("1/r/artifacts/a/model.bin"), now - 2 * HOUR);
    Path staging = root.resolve(LocalMultipartUploads.STAGING);
    dated(staging.resolve("0".repeat(32) + "/target"), now - 8 * 24 * HOUR);
    dated(staging.resolve("0".repeat(32) + "/part-1"), now - 8 * 24 * HOUR);
    Path liveTarget = dated(staging.resolve("1".repeat(32) + "/target"), now - 2 * HOUR);
    Path cut = dated(staging.resolve("1".repeat(32) + "/part-2.u.tmp"), now - 2 * HOUR);
    Path part = dated(staging.resolve("1".repeat(32) + "/part-1"), now - 2 * HOUR);
    Path fresh = dated(staging.resolve("1".repeat(32) + "/part-3.v.tmp"), now);

    assertThat(LocalLeftovers.sweep(root, now, () -> true)).isZero(); // stopped at once
    assertThat(deep).exists();

    assertThat(LocalLeftovers.sweep(root, now, () -> false)).isEqualTo(5);

    assertThat(deep).doesNotExist();
    assertThat(blobTemp).doesNotExist();
    assertThat(staging.resolve("0".repeat(32))).doesNotExist();
    assertThat(cut).doesNotExist();
    assertThat(writing).exists();
    assertThat(artifact).exists();
    assertThat(liveTarget).exists();
    assertThat(part).exists();
    assertThat(fresh).exists();
  }
}
