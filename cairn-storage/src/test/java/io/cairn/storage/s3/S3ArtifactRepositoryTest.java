package io.cairn.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.artifact.ArtifactEntry;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.artifact.MultipartArtifactRepository.CompletedPart;
import io.cairn.core.artifact.MultipartArtifactRepository.MultipartUpload;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.storage.ArtifactRepositoryContract;
import io.cairn.storage.GeneratedStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The artifact contract on a real S3-protocol server on loopback (S3Proxy, in this JVM), each test
 * under its own key prefix, and what only an object store can get wrong.
 */
class S3ArtifactRepositoryTest extends ArtifactRepositoryContract {
  private static final String BUCKET = "cairn-artifacts";
  private static final AtomicInteger TESTS = new AtomicInteger();
  private static S3TestServer server;
  private S3ArtifactRepository s3repo;

  @BeforeAll
  static void startServer() throws Exception {
    server = S3TestServer.start();
    server.createBucket(BUCKET);
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.close();
  }

  @Override
  protected ArtifactRepository newRepository() {
    s3repo =
        new S3ArtifactRepository(
            server.settings(BUCKET, "t" + TESTS.incrementAndGet() + "/mlflow"));
    return s3repo;
  }

  @Override
  protected void closeRepository() {
    s3repo.close();
  }

  @Test
  void check_existingBucket_passes() {
    s3repo.check();
  }

  @Test
  void check_missingBucket_failsWithInvalidStateNamingBucketAndEndpoint() {
    try (S3ArtifactRepository missing =
        new S3ArtifactRepository(server.settings("no-such-bucket", ""))) {
      assertFails(
          missing::check, ErrorCode.INVALID_STATE, "'no-such-bucket' at " + server.endpoint());
      assertFails(() -> missing.list(path("x")), ErrorCode.INVALID_STATE, "does not exist");
    }
  }

  @Test
  void wrongSecret_failsWithInvalidStateAndNeverShowsTheSecret() {
    S3Settings wrong =
        new S3Settings(
            BUCKET,
            "",
            server.endpoint(),
            "us-east-1",
            true,
            S3TestServer.ACCESS_KEY,
            "wrong-secret");
    try (S3ArtifactRepository repo = new S3ArtifactRepository(wrong)) {
      for (var call : new Runnable[] {repo::check, () -> repo.write(path("f"), bytes("x"))}) {
        assertThatThrownBy(call::run)
            .isInstanceOfSatisfying(
                CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
            .hasMessageContaining("refused access")
            .hasMessageNotContaining("wrong-secret")
            .hasMessageNotContaining(S3TestServer.SECRET_KEY);
      }
    }
  }

  @Test
  void unreachableEndpoint_failsWithTemporarilyUnavailableNamingTheEndpoint() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    S3Settings closed =
        new S3Settings(
            BUCKET,
            "",
            "http://127.0.0.1:" + port,
            "us-east-1",
            true,
            S3TestServer.ACCESS_KEY,
            S3TestServer.SECRET_KEY);
    try (S3ArtifactRepository repo = new S3ArtifactRepository(closed)) {
      assertFails(repo::check, ErrorCode.TEMPORARILY_UNAVAILABLE, "http://127.0.0.1:" + port);
      assertFails(
          () -> repo.open(path("a.txt")), ErrorCode.TEMPORARILY_UNAVAILABLE, "Cannot reach");
    }
  }

  @Test
  void bucketRoot_withoutPrefix_holdsArtifactsAtTheTop() throws Exception {
    server.createBucket("bare");
    try (S3ArtifactRepository repo =
        new S3ArtifactRepository(
            S3Settings.parse(
                "s3://bare",
                server.endpoint(),
                null,
                true,
                S3TestServer.ACCESS_KEY,
                S3TestServer.SECRET_KEY))) {
      repo.write(path("a/b.txt"), bytes("b"));
      assertThat(repo.list(path(""))).containsExactly(new ArtifactEntry("a", true, 0));
      assertThat(repo.delete(path("a"))).isTrue();
      assertThat(repo.list(path(""))).isEmpty();
    }
  }

  @Test
  void writeFile_ofExactlyOnePartOrJustMore_isStoredWhole_andTheFileIsLeft() throws Exception {
    for (long size : new long[] {S3Uploads.PART_SIZE, S3Uploads.PART_SIZE + 1L}) {
      java.nio.file.Path source = localFile("part-" + size, new GeneratedStream(size, 3, -1));
      assertThat(s3repo.writeFile(path("f/" + size), source)).isEqualTo(size);
      assertThat(java.nio.file.Files.size(source)).isEqualTo(size);
      assertThat(s3repo.size(path("f/" + size))).isEqualTo(size);
      try (InputStream in = s3repo.open(path("f/" + size))) {
        assertThat(GeneratedStream.sha256(in))
            .isEqualTo(GeneratedStream.sha256(new GeneratedStream(size, 3, -1)));
      }
    }
    try (S3Client raw = rawClient()) {
      assertThat(
              raw.listMultipartUploads(
                      b -> b.bucket(BUCKET).prefix(s3repo.settings().prefix() + "/"))
                  .uploads())
          .isEmpty();
    }
  }

  @Test
  void failedLargeUpload_abortsItsMultipartUpload() {
    assertThatThrownBy(
            () ->
                s3repo.write(
                    path("x/big.bin"),
                    new GeneratedStream(3L * S3Uploads.PART_SIZE, 1, 2L * S3Uploads.PART_SIZE + 5)))
        .isInstanceOf(CairnException.class);
    try (S3Client raw = rawClient()) {
      assertThat(
              raw.listMultipartUploads(
                      b -> b.bucket(BUCKET).prefix(s3repo.settings().prefix() + "/"))
                  .uploads())
          .isEmpty();
    }
  }

  @Test
  void writePart_largerThanTheMemoryBuffer_spillsToDiskAndArrivesWhole() throws Exception {
    long size = S3Uploads.PART_SIZE + 4321L;
    MultipartUpload upload = s3repo.createMultipart(path("m/big.bin"), 1);
    String etag =
        s3repo.writePart(path("m/big.bin"), upload.uploadId(), 1, new GeneratedStream(size, 9, -1));
    s3repo.completeMultipart(
        path("m/big.bin"), upload.uploadId(), List.of(new CompletedPart(1, etag)));
    assertThat(s3repo.size(path("m/big.bin"))).isEqualTo(size);
    try (InputStream in = s3repo.open(path("m/big.bin"))) {
      assertThat(GeneratedStream.sha256(in))
          .isEqualTo(GeneratedStream.sha256(new GeneratedStream(size, 9, -1)));
    }
  }

  @Test
  void createMultipart_presignedUrlsPointAtTheStoreAndCarryNoSecret() {
    MultipartUpload upload = s3repo.createMultipart(path("m/model.bin"), 3);
    assertThat(upload.parts()).hasSize(3);
    for (var target : upload.parts()) {
      assertThat(target.url())
          .startsWith(server.endpoint() + "/" + BUCKET + "/")
          .contains("partNumber=" + target.partNumber())
          .contains("X-Amz-Signature=")
          .doesNotContain(S3TestServer.SECRET_KEY);
      assertThat(target.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("host"));
    }
    s3repo.abortMultipart(path("m/model.bin"), upload.uploadId());
  }

  @Test
  void delete_onAStoreRefusingBatchDeletes_deletesOneByOneAndRemembers() {
    // This S3Proxy refuses the SDK's x-amz-checksum-crc32 header on DeleteObjects, as some
    // S3-compatible stores do.
    s3repo.write(path("d/a.txt"), bytes("a"));
    s3repo.write(path("d/b/c.txt"), bytes("c"));
    assertThat(s3repo.delete(path("d"))).isTrue();
    assertThat(s3repo.batchDeletes()).isFalse();
    assertThat(s3repo.list(path(""))).isEmpty();
  }

  @Test
  void delete_onAStoreTakingBatchDeletes_deletesInBatches() throws Exception {
    try (S3TestServer lenient = S3TestServer.start(true)) {
      lenient.createBucket(BUCKET);
      try (S3ArtifactRepository repo = new S3ArtifactRepository(lenient.settings(BUCKET, "p"))) {
        for (int i = 0; i < 5; i++) {
          repo.write(path("d/sub/f" + i), bytes("x"));
        }
        assertThat(repo.delete(path("d"))).isTrue();
        assertThat(repo.batchDeletes()).isTrue();
        assertThat(repo.list(path(""))).isEmpty();
      }
    }
  }

  private static S3Client rawClient() {
    return S3Client.builder()
        .httpClient(Apache5HttpClient.create())
        .endpointOverride(URI.create(server.endpoint()))
        .forcePathStyle(true)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
        .build();
  }
}
