package io.cairn.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.storage.ArtifactRepositoryContract;
import io.cairn.storage.GeneratedStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
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
  void writeFile_onTheSameFileSystem_movesTheFileIn_withTheStoresPermissions() throws IOException {
    LocalArtifactRepository repo = (LocalArtifactRepository) this.repo;
    Path source = Files.writeString(dir.resolve("upload.part"), "moved");
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-------"));
    repo.write(ArtifactPath.parse("s/streamed"), bytes("streamed"));
    assertThat(repo.writeFile(ArtifactPath.parse("s/moved"), source)).isEqualTo(5);
    assertThat(source).doesNotExist();
    assertThat(read("s/moved")).isEqualTo("moved");
    assertThat(Files.getPosixFilePermissions(repo.root().resolve("s/moved")))
        .isEqualTo(Files.getPosixFilePermissions(repo.root().resolve("s/streamed")));
    assertThat(rawNames(repo.root().resolve("s"))).containsExactly("moved", "streamed");
  }

  @Test
  void writeFile_fromAnotherFileSystem_copiesTheFile_andLeavesItThere() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(
        Files.isDirectory(shm)
            && Files.isWritable(shm)
            && !Files.getFileStore(shm).equals(Files.getFileStore(dir)),
        "needs a writable /dev/shm on another file system than " + dir);
    Path source = Files.createTempFile(shm, "cairn-test-", ".part");
    try {
      Files.write(source, new GeneratedStream(3 * 1024 * 1024 + 7, 5, -1).readAllBytes());
      assertThat(repo.writeFile(ArtifactPath.parse("x/copied"), source))
          .isEqualTo(3 * 1024 * 1024 + 7);
      assertThat(source).exists();
      try (InputStream in = repo.open(ArtifactPath.parse("x/copied"))) {
        assertThat(GeneratedStream.sha256(in))
            .isEqualTo(GeneratedStream.sha256(new GeneratedStream(3 * 1024 * 1024 + 7, 5, -1)));
      }
      assertThat(rawNames(((LocalArtifactRepository) repo).root().resolve("x")))
          .containsExactly("copied");
    } finally {
      Files.deleteIfExists(source);
    }
  }

  @Test
  void writeFile_neverFollowsALink_atEitherEnd() throws IOException {
    LocalArtifactRepository repo = (LocalArtifactRepository) this.repo;
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path secret = Files.writeString(outside.resolve("secret.txt"), "secret");
    Path linkToSecret = Files.createSymbolicLink(dir.resolve("source-link"), secret);
    assertThatThrownBy(() -> repo.writeFile(ArtifactPath.parse("a/b"), linkToSecret))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("not a regular file");
    assertThat(repo.size(ArtifactPath.parse("a/b"))).isEqualTo(-1);
    assertThat(linkToSecret).isSymbolicLink();

    Files.createSymbolicLink(repo.root().resolve("link"), outside);
    Path source = Files.writeString(dir.resolve("upload.part"), "planted");
    assertThatThrownBy(() -> repo.writeFile(ArtifactPath.parse("link/planted.txt"), source))
        .hasMessageContaining("symbolic link");
    assertThat(outside.resolve("planted.txt")).doesNotExist();
    assertThat(source).exists();
  }

  @Test
  void writeFile_overADirectory_isRefused_andLeavesNoTemporaryFile() throws IOException {
    repo.write(ArtifactPath.parse("d/inner/file"), bytes("x"));
    Path source = Files.writeString(dir.resolve("upload.part"), "x");
    assertThatThrownBy(() -> repo.writeFile(ArtifactPath.parse("d/inner"), source))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    assertThat(rawNames(((LocalArtifactRepository) repo).root().resolve("d")))
        .containsExactly("inner");
  }

  /** Every name in a folder, hidden ones included. */
  private static List<String> rawNames(Path folder) throws IOException {
    try (Stream<Path> children = Files.list(folder)) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void unwritableFolder_isAClearError() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> new LocalArtifactRepository(file.resolve("store")))
        .isInstanceOfSatisfying(
            CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining("Cannot create the artifact folder");
  }

  @Test
  void abandonedUploadTempFiles_areRemovedWhenTheirFolderIsListed() throws Exception {
    LocalArtifactRepository repo = (LocalArtifactRepository) newRepository();
    repo.write(
        io.cairn.core.artifact.ArtifactPath.parse("d/kept.txt"),
        new java.io.ByteArrayInputStream(new byte[] {1}));
    java.nio.file.Path dir = repo.root().resolve("d");
    java.nio.file.Path old =
        java.nio.file.Files.write(
            dir.resolve(LocalArtifactRepository.TEMP_PREFIX + "old"), new byte[] {1});
    java.nio.file.Path live =
        java.nio.file.Files.write(
            dir.resolve(LocalArtifactRepository.TEMP_PREFIX + "live"), new byte[] {1});
    java.nio.file.Files.setLastModifiedTime(
        old,
        java.nio.file.attribute.FileTime.fromMillis(
            System.currentTimeMillis() - LocalArtifactRepository.ABANDONED_AFTER_MILLIS - 60_000));
    assertThat(repo.list(io.cairn.core.artifact.ArtifactPath.parse("d")))
        .extracting(io.cairn.core.artifact.ArtifactEntry::name)
        .containsExactly("kept.txt");
    assertThat(old).doesNotExist();
    assertThat(live).exists();
  }

  @Test
  void multipartUploadsAbandonedForAWeek_areDroppedByTheNextUpload() throws Exception {
    LocalArtifactRepository repo = (LocalArtifactRepository) newRepository();
    LocalMultipartUploads uploads = new LocalMultipartUploads(repo);
    io.cairn.core.artifact.ArtifactPath file = io.cairn.core.artifact.ArtifactPath.parse("m/w.bin");
    String stale = uploads.createMultipart(file, 2).uploadId();
    java.nio.file.Path staleDir =
        repo.root().resolve(LocalArtifactRepository.RESERVED_PREFIX + "multipart").resolve(stale);
    java.nio.file.Files.setLastModifiedTime(
        staleDir.resolve("target"),
        java.nio.file.attribute.FileTime.fromMillis(
            System.currentTimeMillis() - LocalMultipartUploads.ABANDONED_AFTER_MILLIS - 60_000));
    String fresh = uploads.createMultipart(file, 2).uploadId();
    assertThat(staleDir).doesNotExist();
    assertThat(staleDir.resolveSibling(fresh)).exists();
  }
}
