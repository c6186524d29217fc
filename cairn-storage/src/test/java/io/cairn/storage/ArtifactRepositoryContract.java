package io.cairn.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository.CompletedPart;
import io.cairn.core.artifact.MultipartArtifactRepository.MultipartUpload;
import io.cairn.core.artifact.MultipartArtifactRepository.PartTarget;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The artifact repository contract, run against every backend: each subclass gives a fresh, empty
 * repository per test. The multipart tests run for repositories that implement {@link
 * MultipartArtifactRepository} and are skipped for the others.
 */
public abstract class ArtifactRepositoryContract {
  /** Larger than any backend's in-memory upload part, so that streaming paths are taken. */
  protected static final int LARGE = 20 * 1024 * 1024 + 123;

  protected ArtifactRepository repo;

  /** A new, empty repository for one test. */
  protected abstract ArtifactRepository newRepository() throws Exception;

  /** Releases what {@link #newRepository} opened. */
  protected void closeRepository() throws Exception {}

  @BeforeEach
  void openRepository() throws Exception {
    repo = newRepository();
  }

  @AfterEach
  void releaseRepository() throws Exception {
    closeRepository();
  }

  protected static ArtifactPath path(String text) {
    return ArtifactPath.parse(text);
  }

  protected static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  protected String read(String file) throws IOException {
    try (InputStream in = repo.open(path(file))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  protected static void assertFails(ThrowingCallable call, ErrorCode code, String fragment) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(fragment);
  }

  @Test
  void write_thenListOpenAndSize_seeTheFile() throws IOException {
    assertThat(repo.write(path("1/run/artifacts/a.txt"), bytes("hello"))).isEqualTo(5);
    repo.write(path("1/run/artifacts/sub/b.txt"), bytes("x"));
    assertThat(repo.list(path("1/run/artifacts")))
        .containsExactly(new ArtifactEntry("a.txt", false, 5), new ArtifactEntry("sub", true, 0));
    assertThat(read("1/run/artifacts/a.txt")).isEqualTo("hello");
    assertThat(repo.size(path("1/run/artifacts/a.txt"))).isEqualTo(5);
  }

  @Test
  void write_existingFile_replacesItWhole() throws IOException {
    repo.write(path("a/file.txt"), bytes("a longer first version"));
    repo.write(path("a/file.txt"), bytes("second"));
    assertThat(read("a/file.txt")).isEqualTo("second");
    assertThat(repo.size(path("a/file.txt"))).isEqualTo(6);
    assertThat(repo.list(path("a"))).containsExactly(new ArtifactEntry("file.txt", false, 6));
  }

  @Test
  void write_emptyStream_storesAnEmptyFile() throws IOException {
    assertThat(repo.write(path("empty.txt"), bytes(""))).isZero();
    assertThat(repo.size(path("empty.txt"))).isZero();
    assertThat(read("empty.txt")).isEmpty();
  }

  @Test
  void write_namesWithSpacesAndUnicode_roundTrip() throws IOException {
    repo.write(path("dir with space/ünïcödé 😀.txt"), bytes("ok"));
    assertThat(repo.list(path("dir with space")))
        .containsExactly(new ArtifactEntry("ünïcödé 😀.txt", false, 2));
    assertThat(read("dir with space/ünïcödé 😀.txt")).isEqualTo("ok");
  }

  @Test
  void write_largeStream_isStoredAndReadBackByteForByte() throws IOException {
    assertThat(repo.write(path("big/model.bin"), new GeneratedStream(LARGE, 7, -1)))
        .isEqualTo(LARGE);
    assertThat(repo.size(path("big/model.bin"))).isEqualTo(LARGE);
    try (InputStream in = repo.open(path("big/model.bin"))) {
      assertThat(GeneratedStream.sha256(in))
          .isEqualTo(GeneratedStream.sha256(new GeneratedStream(LARGE, 7, -1)));
    }
  }

  @Test
  void open_closedBeforeTheEnd_leavesTheRepositoryUsable() throws IOException {
    repo.write(path("big/model.bin"), new GeneratedStream(LARGE, 7, -1));
    for (int i = 0; i < 3; i++) {
      try (InputStream in = repo.open(path("big/model.bin"))) {
        assertThat(in.readNBytes(10)).hasSize(10);
      }
    }
    assertThat(repo.delete(path("big/model.bin"))).isTrue();
    assertThat(repo.list(path("big"))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, LARGE - 1000})
  void write_streamFailingPartWay_leavesNothingVisible(int failAfter) throws IOException {
    assertThatThrownBy(
            () -> repo.write(path("x/file.bin"), new GeneratedStream(LARGE, 1, failAfter)))
        .isInstanceOf(CairnException.class);
    assertThat(repo.list(path("x"))).isEmpty();
    assertThat(repo.size(path("x/file.bin"))).isEqualTo(-1);

    repo.write(path("x/file.bin"), bytes("old"));
    assertThatThrownBy(
            () -> repo.write(path("x/file.bin"), new GeneratedStream(LARGE, 1, failAfter)))
        .isInstanceOf(CairnException.class);
    assertThat(read("x/file.bin")).isEqualTo("old");
    assertThat(repo.list(path("x"))).containsExactly(new ArtifactEntry("file.bin", false, 3));
  }

  @Test
  void write_root_failsWithInvalidParameterValue() {
    assertFails(
        () -> repo.write(ArtifactPath.root(), bytes("x")),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "a file name is required");
  }

  @Test
  void list_nestedDirectories_returnsOnlyDirectChildrenSortedByName() {
    for (String file :
        new String[] {"r/b.txt", "r/a/deep/x.txt", "r/c/y.txt", "r/a.txt", "z.txt"}) {
      repo.write(path(file), bytes("12"));
    }
    assertThat(repo.list(path("r")))
        .containsExactly(
            new ArtifactEntry("a", true, 0),
            new ArtifactEntry("a.txt", false, 2),
            new ArtifactEntry("b.txt", false, 2),
            new ArtifactEntry("c", true, 0));
    assertThat(repo.list(path("r/a"))).containsExactly(new ArtifactEntry("deep", true, 0));
    assertThat(repo.list(ArtifactPath.root()))
        .containsExactly(new ArtifactEntry("r", true, 0), new ArtifactEntry("z.txt", false, 2));
  }

  @Test
  void list_missingDirectoryOrAFile_isEmpty() {
    repo.write(path("d/file.txt"), bytes("x"));
    assertThat(repo.list(path("missing/dir"))).isEmpty();
    assertThat(repo.list(path("d/file.txt"))).isEmpty();
    assertThat(repo.list(path("d/fi"))).isEmpty();
  }

  @Test
  void open_missingFile_failsWithResourceDoesNotExist() {
    assertFails(
        () -> repo.open(path("no/such.txt")), ErrorCode.RESOURCE_DOES_NOT_EXIST, "No artifact at");
  }

  @Test
  void open_directory_failsWithResourceDoesNotExist() {
    repo.write(path("d/file.txt"), bytes("x"));
    assertFails(() -> repo.open(path("d")), ErrorCode.RESOURCE_DOES_NOT_EXIST, "No artifact at");
  }

  @Test
  void size_missingFileOrDirectory_isMinusOne() {
    repo.write(path("d/file.txt"), bytes("x"));
    assertThat(repo.size(path("d/missing.txt"))).isEqualTo(-1);
    assertThat(repo.size(path("d"))).isEqualTo(-1);
  }

  @Test
  void delete_directory_removesEverythingUnderItButNotSiblingsSharingItsNamePrefix()
      throws IOException {
    repo.write(path("1/run/artifacts/a.txt"), bytes("a"));
    repo.write(path("1/run/artifacts/sub/b.txt"), bytes("b"));
    repo.write(path("1/run2/keep.txt"), bytes("keep"));
    repo.write(path("1/run.txt"), bytes("keep"));
    assertThat(repo.delete(path("1/run"))).isTrue();
    assertThat(repo.list(path("1")))
        .containsExactly(
            new ArtifactEntry("run.txt", false, 4), new ArtifactEntry("run2", true, 0));
    assertThat(repo.size(path("1/run/artifacts/sub/b.txt"))).isEqualTo(-1);
    assertThat(read("1/run2/keep.txt")).isEqualTo("keep");
  }

  @Test
  void delete_file_removesOnlyThatFile() throws IOException {
    repo.write(path("d/a.txt"), bytes("a"));
    repo.write(path("d/a.txt.bak"), bytes("b"));
    assertThat(repo.delete(path("d/a.txt"))).isTrue();
    assertThat(repo.list(path("d"))).containsExactly(new ArtifactEntry("a.txt.bak", false, 1));
  }

  @Test
  void delete_missingPath_returnsFalse() {
    assertThat(repo.delete(path("no/such/thing"))).isFalse();
  }

  @Test
  void delete_root_failsWithInvalidParameterValue() {
    assertFails(
        () -> repo.delete(ArtifactPath.root()),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "Refusing to delete the artifact root");
  }

  // Storing a local file (the blob store's verified uploads)

  /** A folder for local source files, outside the repository. */
  @TempDir protected Path scratch;

  protected Path localFile(String name, InputStream content) throws IOException {
    Path file = scratch.resolve(name);
    try (InputStream in = content) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  @Test
  void writeFile_storesTheFileWhole_replacingThePreviousOne() throws IOException {
    repo.write(path("b/sha/blob"), bytes("a longer first version"));
    Path source = localFile("upload.part", bytes("content"));
    assertThat(repo.writeFile(path("b/sha/blob"), source)).isEqualTo(7);
    assertThat(read("b/sha/blob")).isEqualTo("content");
    assertThat(repo.size(path("b/sha/blob"))).isEqualTo(7);
    assertThat(repo.list(path("b/sha"))).containsExactly(new ArtifactEntry("blob", false, 7));
  }

  @Test
  void writeFile_emptyFile_storesAnEmptyFile() throws IOException {
    assertThat(repo.writeFile(path("e/empty"), localFile("empty", bytes("")))).isZero();
    assertThat(repo.size(path("e/empty"))).isZero();
    assertThat(read("e/empty")).isEmpty();
  }

  @Test
  void writeFile_largeFile_isStoredAndReadBackByteForByte() throws IOException {
    Path source = localFile("large.part", new GeneratedStream(LARGE, 11, -1));
    assertThat(repo.writeFile(path("big/blob.bin"), source)).isEqualTo(LARGE);
    assertThat(repo.size(path("big/blob.bin"))).isEqualTo(LARGE);
    try (InputStream in = repo.open(path("big/blob.bin"))) {
      assertThat(GeneratedStream.sha256(in))
          .isEqualTo(GeneratedStream.sha256(new GeneratedStream(LARGE, 11, -1)));
    }
  }

  @Test
  void writeFile_root_failsWithInvalidParameterValue() throws IOException {
    Path source = localFile("x", bytes("x"));
    assertFails(
        () -> repo.writeFile(ArtifactPath.root(), source),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "a file name is required");
  }

  // Multipart uploads: for repositories that implement MultipartArtifactRepository.

  /** S3's smallest part but the last: parts of this size are accepted by every backend. */
  protected static final int MIN_PART = 5 * 1024 * 1024;

  /** The multipart uploads of a repository: itself when it has them, else null (tests skip). */
  protected MultipartArtifactRepository multipartOf(ArtifactRepository repository) {
    return repository instanceof MultipartArtifactRepository m ? m : null;
  }

  private MultipartArtifactRepository multipart() {
    MultipartArtifactRepository m = multipartOf(repo);
    assumeTrue(m != null, repo.getClass().getSimpleName() + " has no multipart uploads");
    return m;
  }

  /** Sends a part where its target says: its presigned URL, or through the server. */
  protected String uploadPart(
      ArtifactPath file, String uploadId, PartTarget target, byte[] data, boolean viaServer)
      throws IOException, InterruptedException {
    if (target.url() == null || viaServer) {
      return multipart()
          .writePart(file, uploadId, target.partNumber(), new ByteArrayInputStream(data));
    }
    HttpRequest.Builder put =
        HttpRequest.newBuilder(URI.create(target.url()))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(data));
    target.headers().forEach(put::header);
    HttpResponse<String> answer =
        HTTP.send(put.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertThat(answer.statusCode()).as("PUT part: %s", answer.body()).isEqualTo(200);
    return answer.headers().firstValue("ETag").orElseThrow();
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static byte[] part(int size, int seed) throws IOException {
    return new GeneratedStream(size, seed, -1).readAllBytes();
  }

  private void uploadTwoParts_thenComplete(boolean viaServer) throws Exception {
    ArtifactPath file = path("models/m/model.onnx");
    MultipartUpload upload = multipart().createMultipart(file, 2);
    assertThat(upload.parts()).extracting(PartTarget::partNumber).containsExactly(1, 2);
    byte[] first = part(MIN_PART, 1);
    byte[] second = part(1234, 2);
    String etag2 = uploadPart(file, upload.uploadId(), upload.parts().get(1), second, viaServer);
    String etag1 = uploadPart(file, upload.uploadId(), upload.parts().get(0), first, viaServer);
    assertThat(repo.size(file)).as("invisible until complete").isEqualTo(-1);
    assertThat(repo.list(path("models/m"))).isEmpty();

    multipart()
        .completeMultipart(
            file,
            upload.uploadId(),
            List.of(new CompletedPart(2, etag2), new CompletedPart(1, etag1)));
    assertThat(repo.size(file)).isEqualTo(MIN_PART + 1234L);
    try (InputStream in = repo.open(file)) {
      byte[] whole = in.readAllBytes();
      assertThat(Arrays.copyOfRange(whole, 0, MIN_PART)).isEqualTo(first);
      assertThat(Arrays.copyOfRange(whole, MIN_PART, whole.length)).isEqualTo(second);
    }
  }

  @Test
  void multipart_partsSentToTheirTargets_completeAssemblesTheFileInPartOrder() throws Exception {
    uploadTwoParts_thenComplete(false);
  }

  @Test
  void multipart_partsSentThroughTheServer_completeAssemblesTheFileInPartOrder() throws Exception {
    uploadTwoParts_thenComplete(true);
  }

  @Test
  void multipart_abort_leavesNothingAndCannotBeCompleted() throws Exception {
    ArtifactPath file = path("big/aborted.bin");
    MultipartUpload upload = multipart().createMultipart(file, 1);
    String etag = uploadPart(file, upload.uploadId(), upload.parts().get(0), part(100, 3), false);
    multipart().abortMultipart(file, upload.uploadId());
    assertThat(repo.size(file)).isEqualTo(-1);
    assertThat(repo.list(path("big"))).isEmpty();
    // S3 answers NoSuchUpload; S3Proxy's emulation, InvalidPart: either way it is refused.
    assertThatThrownBy(
            () ->
                multipart()
                    .completeMultipart(
                        file, upload.uploadId(), List.of(new CompletedPart(1, etag))))
        .isInstanceOfSatisfying(
            CairnException.class,
            e ->
                assertThat(e.code())
                    .isIn(ErrorCode.RESOURCE_DOES_NOT_EXIST, ErrorCode.INVALID_PARAMETER_VALUE));
    assertThat(repo.size(file)).isEqualTo(-1);
  }

  @Test
  void multipart_unknownUploadId_failsWithResourceDoesNotExist() {
    MultipartArtifactRepository multipart = multipart();
    String unknown = UUID.randomUUID().toString();
    assertFails(
        () ->
            multipart.completeMultipart(
                path("f.bin"), unknown, List.of(new CompletedPart(1, "\"e\""))),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        unknown);
    assertFails(
        () -> multipart.abortMultipart(path("f.bin"), unknown),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        unknown);
  }

  @Test
  void multipart_partNeverUploaded_failsWithInvalidParameterValue() throws Exception {
    ArtifactPath file = path("f.bin");
    MultipartUpload upload = multipart().createMultipart(file, 2);
    String etag1 =
        uploadPart(file, upload.uploadId(), upload.parts().get(0), part(MIN_PART, 4), false);
    assertThatThrownBy(
            () ->
                multipart()
                    .completeMultipart(
                        file,
                        upload.uploadId(),
                        List.of(new CompletedPart(1, etag1), new CompletedPart(2, etag1))))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    assertThat(repo.size(file)).isEqualTo(-1);
  }

  @Test
  void multipart_completeWithAWrongOrUnknownEtag_isRefusedNamingThePart_andStaysCompletable()
      throws Exception {
    ArtifactPath file = path("checked/f.bin");
    MultipartUpload upload = multipart().createMultipart(file, 3);
    String id = upload.uploadId();
    byte[] first = part(MIN_PART, 6);
    byte[] second = part(MIN_PART, 7);
    String etag1 = uploadPart(file, id, upload.parts().get(0), first, false);
    String etag2 = uploadPart(file, id, upload.parts().get(1), second, true);

    // Part 3 was never uploaded.
    assertFails(
        () ->
            multipart()
                .completeMultipart(
                    file,
                    id,
                    List.of(
                        new CompletedPart(1, etag1),
                        new CompletedPart(2, etag2),
                        new CompletedPart(3, etag2))),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "Part 3");
    byte[] third = part(777, 8);
    String etag3 = uploadPart(file, id, upload.parts().get(2), third, false);
    // Part 2's ETag is another part's; part 1's is no ETag this upload ever answered.
    assertFails(
        () ->
            multipart()
                .completeMultipart(
                    file,
                    id,
                    List.of(
                        new CompletedPart(1, etag1),
                        new CompletedPart(2, etag1),
                        new CompletedPart(3, etag3))),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "Part 2");
    assertFails(
        () ->
            multipart()
                .completeMultipart(
                    file,
                    id,
                    List.of(
                        new CompletedPart(1, "\"0123456789abcdef0123456789abcdef\""),
                        new CompletedPart(2, etag2),
                        new CompletedPart(3, etag3))),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "Part 1");
    assertThat(repo.size(file)).as("nothing visible after a refused completion").isEqualTo(-1);

    multipart()
        .completeMultipart(
            file,
            id,
            List.of(
                new CompletedPart(1, etag1),
                new CompletedPart(2, etag2),
                new CompletedPart(3, etag3)));
    try (InputStream in = repo.open(file)) {
      byte[] whole = in.readAllBytes();
      assertThat(whole).hasSize(2 * MIN_PART + third.length);
      assertThat(Arrays.copyOfRange(whole, MIN_PART, 2 * MIN_PART)).isEqualTo(second);
      assertThat(Arrays.copyOfRange(whole, 2 * MIN_PART, whole.length)).isEqualTo(third);
    }
  }

  @Test
  void multipart_repeatedPartNumber_failsWithInvalidParameterValue() throws Exception {
    ArtifactPath file = path("f.bin");
    MultipartUpload upload = multipart().createMultipart(file, 1);
    String etag = uploadPart(file, upload.uploadId(), upload.parts().get(0), part(10, 5), false);
    assertFails(
        () ->
            multipart()
                .completeMultipart(
                    file,
                    upload.uploadId(),
                    List.of(new CompletedPart(1, etag), new CompletedPart(1, etag))),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "1");
  }

  @Test
  void multipart_noParts_failsWithInvalidParameterValue() {
    MultipartArtifactRepository multipart = multipart();
    assertThatThrownBy(() -> multipart.createMultipart(path("f.bin"), 0))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
  }
}
