package io.cairn.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalArtifactRepositoryTest {
  @TempDir Path dir;

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void writeListReadDelete() throws IOException {
    LocalArtifactRepository repo = new LocalArtifactRepository(dir.resolve("store"));
    repo.write(ArtifactPath.parse("1/run/artifacts/a.txt"), bytes("hello"));
    repo.write(ArtifactPath.parse("1/run/artifacts/sub/b.txt"), bytes("x"));
    assertThat(repo.list(ArtifactPath.parse("1/run/artifacts")))
        .containsExactly(new ArtifactEntry("a.txt", false, 5), new ArtifactEntry("sub", true, 0));
    try (InputStream in = repo.open(ArtifactPath.parse("1/run/artifacts/a.txt"))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
    }
    repo.write(ArtifactPath.parse("1/run/artifacts/a.txt"), bytes("replaced"));
    assertThat(repo.size(ArtifactPath.parse("1/run/artifacts/a.txt"))).isEqualTo(8);
    assertThat(repo.delete(ArtifactPath.parse("1/run"))).isTrue();
    assertThat(repo.list(ArtifactPath.parse("1"))).isEmpty();
    assertThat(repo.list(ArtifactPath.parse("missing/dir"))).isEmpty();
  }

  @Test
  void failedUpload_leavesNothingVisible() {
    LocalArtifactRepository repo = new LocalArtifactRepository(dir.resolve("store"));
    InputStream broken =
        new InputStream() {
          int n;

          @Override
          public int read() throws IOException {
            if (n++ > 1000) {
              throw new IOException("client went away");
            }
            return 'x';
          }
        };
    assertThatThrownBy(() -> repo.write(ArtifactPath.parse("x/file.bin"), broken))
        .isInstanceOf(CairnException.class);
    assertThat(repo.list(ArtifactPath.parse("x"))).isEmpty();
    assertThat(repo.size(ArtifactPath.parse("x/file.bin"))).isEqualTo(-1);
  }

  @Test
  void symlinksOutOfTheStore_areNeverFollowed() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    LocalArtifactRepository repo = new LocalArtifactRepository(dir.resolve("store"));
    Files.createSymbolicLink(repo.root().resolve("link"), outside);
    Files.createSymbolicLink(repo.root().resolve("file-link"), outside.resolve("secret.txt"));
    for (String path : new String[] {"link/secret.txt", "link"}) {
      assertThatThrownBy(() -> repo.open(ArtifactPath.parse(path)))
          .isInstanceOfSatisfying(
              CairnException.class,
              e ->
                  assertThat(e.code())
                      .isIn(ErrorCode.INVALID_PARAMETER_VALUE, ErrorCode.RESOURCE_DOES_NOT_EXIST));
    }
    assertThatThrownBy(() -> repo.open(ArtifactPath.parse("file-link")))
        .isInstanceOf(CairnException.class);
    assertThatThrownBy(() -> repo.write(ArtifactPath.parse("link/planted.txt"), bytes("x")))
        .hasMessageContaining("symbolic link");
    assertThatThrownBy(() -> repo.delete(ArtifactPath.parse("link/secret.txt")))
        .hasMessageContaining("symbolic link");
    assertThat(repo.list(ArtifactPath.root())).isEmpty();
    assertThat(Files.exists(outside.resolve("planted.txt"))).isFalse();
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
  }

  @Test
  void unwritableFolder_isAClearError() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> new LocalArtifactRepository(file.resolve("store")))
        .isInstanceOfSatisfying(
            CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("Cannot create the artifact folder");
  }
}
