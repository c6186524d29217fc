package io.cairn.server;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The datasets API with the local artifact folder. */
class DatasetApiTest extends DatasetApiContract {
  @TempDir static Path dir;
  static ServerFixture server;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Override
  ServerFixture server() {
    return server;
  }

  @Override
  boolean blobStored(String sha256) {
    return Files.exists(
        dir.resolve("artifacts/.cairn-datasets/sha256")
            .resolve(sha256.substring(0, 2))
            .resolve(sha256));
  }
}
