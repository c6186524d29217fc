package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.client.LocalFiles.LocalFile;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the files of a push, hashing them, and running work in parallel. */
class LocalFilesTest {
  @TempDir Path dir;

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void walk_givesRegularFilesWithSlashPathsSorted_andSkipsLinksWithAWarning() throws Exception {
    Path root = dir.resolve("data");
    write(root.resolve("b.txt"), "b");
    write(root.resolve("a/z.csv"), "x,y\n1,2\n");
    write(root.resolve("a/deep/er/f.bin"), "f");
    write(root.resolve("a/.cairn-pull-123.part"), "half a download");
    write(dir.resolve("outside/secret.txt"), "secret");
    Files.createSymbolicLink(root.resolve("link.txt"), root.resolve("b.txt"));
    Files.createSymbolicLink(root.resolve("linkdir"), dir.resolve("outside"));
    Files.createDirectories(root.resolve("empty"));
    List<String> warnings = new ArrayList<>();

    List<LocalFile> files = LocalFiles.walk(root, warnings::add);

    assertThat(files)
        .extracting(LocalFile::path)
        .containsExactly("a/deep/er/f.bin", "a/z.csv", "b.txt");
    assertThat(files.get(1).size()).isEqualTo(8);
    assertThat(files.get(1).file()).isEqualTo(root.toRealPath().resolve("a/z.csv"));
    assertThat(warnings)
        .containsExactlyInAnyOrder(
            "skipped symbolic link link.txt", "skipped symbolic link linkdir");
  }

  @Test
  void walk_aSingleFileIsADatasetOfThatFileByItsName() throws Exception {
    write(dir.resolve("x/wine.csv"), "a\n1\n");
    List<LocalFile> files = LocalFiles.walk(dir.resolve("x/wine.csv"), w -> {});
    assertThat(files).extracting(LocalFile::path).containsExactly("wine.csv");
    Files.createSymbolicLink(dir.resolve("latest.csv"), dir.resolve("x/wine.csv"));
    assertThat(LocalFiles.walk(dir.resolve("latest.csv"), w -> {}))
        .extracting(LocalFile::path)
        .containsExactly("latest.csv");
  }

  @Test
  void walk_followsALinkGivenAsTheRootItself() throws Exception {
    write(dir.resolve("real/f.txt"), "f");
    Files.createSymbolicLink(dir.resolve("alias"), dir.resolve("real"));
    assertThat(LocalFiles.walk(dir.resolve("alias"), w -> {}))
        .extracting(LocalFile::path)
        .containsExactly("f.txt");
  }

  @Test
  void walk_refusesNothingToPush_aMissingPath_andBadNames() throws Exception {
    Files.createDirectories(dir.resolve("empty/sub"));
    assertThatThrownBy(() -> LocalFiles.walk(dir.resolve("empty"), w -> {}))
        .hasMessageContaining("There are no files to push under");
    assertThatThrownBy(() -> LocalFiles.walk(dir.resolve("nope"), w -> {}))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("No file or folder at");
    write(dir.resolve("bad/back\\slash.txt"), "x");
    assertThatThrownBy(() -> LocalFiles.walk(dir.resolve("bad"), w -> {}))
        .hasMessageContaining("Cannot push")
        .hasMessageContaining("backslash");
  }

  @Test
  void relative_joinsNamesWithSlashes() {
    Path root = Path.of("/r");
    assertThat(LocalFiles.relative(root, Path.of("/r/a/b/c.txt"))).isEqualTo("a/b/c.txt");
    assertThat(LocalFiles.relative(root, Path.of("/r/c.txt"))).isEqualTo("c.txt");
  }

  @Test
  void sha256_isTheKnownDigest_andReportsEveryByte() throws Exception {
    Path f = dir.resolve("abc.txt");
    Files.writeString(f, "abc", StandardCharsets.US_ASCII);
    long[] read = {0};
    LocalFiles.Hashed h = LocalFiles.sha256(f, new byte[2], n -> read[0] += n);
    assertThat(h.sha256())
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(h.size()).isEqualTo(3);
    assertThat(read[0]).isEqualTo(3);
  }

  @Test
  void forEach_runsEveryItem_andTheFirstFailureStopsTheRest() {
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      items.add(i);
    }
    List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
    LocalFiles.forEach(items, 4, "t", seen::add);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(items);

    AtomicInteger ran = new AtomicInteger();
    assertThatThrownBy(
            () ->
                LocalFiles.forEach(
                    items,
                    2,
                    "t",
                    i -> {
                      ran.incrementAndGet();
                      if (i == 3) {
                        throw CairnException.invalid("item %d failed", i);
                      }
                      Thread.sleep(20);
                    }))
        .isInstanceOf(CairnException.class)
        .hasMessage("item 3 failed");
    assertThat(ran.get()).isLessThan(items.size());
  }

  @Test
  void pullTargets_stayInsideTheFolder() {
    Path root = dir.toAbsolutePath();
    assertThat(DatasetPull.target(root, "a/b.txt")).isEqualTo(root.resolve("a/b.txt"));
    for (String bad : List.of("../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a\\..\\x", "")) {
      assertThatThrownBy(() -> DatasetPull.target(root, bad))
          .as(bad)
          .isInstanceOf(CairnException.class)
          .hasMessageContaining("Refusing to write");
    }
  }

  /**
   * A name longer than 255 bytes in UTF-8 cannot be created here to push (this file system refuses
   * it as every Linux one does), but walk() checks each path with the same rule; a pull of such a
   * name, pushed by an older server, says what is wrong before it touches the disk.
   */
  @Test
  void namesOver255BytesInUtf8_areRefusedWithTheReason() {
    Path root = dir.toAbsolutePath();
    String fits = "\u00e9".repeat(127) + "a";
    assertThat(DatasetPull.target(root, "d/" + fits)).isEqualTo(root.resolve("d").resolve(fits));
    assertThatThrownBy(() -> DatasetPull.target(root, "d/" + "\u00e9".repeat(128)))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("Refusing to write")
        .hasMessageContaining("a name of 256 bytes in UTF-8")
        .hasMessageContaining("at most 255 bytes");
  }
}
