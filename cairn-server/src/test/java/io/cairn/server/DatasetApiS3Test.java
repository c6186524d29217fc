package io.cairn.server;

import io.cairn.core.dataset.BlobStore;
import io.cairn.storage.s3.S3ArtifactRepository;
import io.cairn.storage.s3.S3TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The datasets API with blobs in a real S3-protocol server on loopback. */
class DatasetApiS3Test extends DatasetApiContract {
  @TempDir static Path dir;
  static S3TestServer s3;
  static ServerFixture server;
  static S3ArtifactRepository blobs;

  @BeforeAll
  static void start() throws Exception {
    s3 = S3TestServer.start();
    s3.createBucket("data");
    ServerConfig local = ServerConfig.embedded("127.0.0.1", 0, dir);
    server =
        new ServerFixture(
            new ServerConfig(
                local.host(),
                0,
                local.dataDir(),
                local.dbUrl(),
                null,
                null,
                local.artifactsDir(),
                local.maxRequestBytes(),
                s3.settings("data", "team")));
    blobs = new S3ArtifactRepository(s3.settings("data", "team/.cairn-datasets"));
  }

  @AfterAll
  static void stop() throws Exception {
    blobs.close();
    server.close();
    s3.close();
  }

  @Override
  ServerFixture server() {
    return server;
  }

  @Override
  boolean blobStored(String sha256) {
    return blobs.size(BlobStore.path(sha256)) >= 0;
  }
}
