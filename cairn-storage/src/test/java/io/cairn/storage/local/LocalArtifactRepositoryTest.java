package io.cairn.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.storage.ArtifactRepositoryContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The artifact contract on a local folder, and what only a file system can get wrong. */
class LocalArtifactRepositoryTest extends ArtifactRepositoryContract {
  @TempDir Path dir;

  @Override
  protected MultipartArtifactRepository multipartOf(ArtifactRepository repository) {
    return new LocalMultipartUploads((LocalArtifactRepository) repository);
  }

  @Override
  protected ArtifactRepository newRepository() {
    return new LocalArtifactRepository(dir.resolve("store"));
  }

  @Test
  void symlinksOutOfTheStore_areNeverFollowed() throws IOException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "secret");
    LocalArtifactRepository repo = (LocalArtifactRepository) this.repo;
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
