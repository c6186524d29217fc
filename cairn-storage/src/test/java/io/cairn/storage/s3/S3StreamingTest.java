package io.cairn.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.storage.GeneratedStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads and downloads stream: a file several times larger than the heap goes to S3 and back
 * through a JVM started with {@code -Xmx64m}. The size is {@code CAIRN_S3_STREAM_MB} (default 256;
 * set 2048 for the full 2 GB check).
 */
class S3StreamingTest {
  @TempDir Path dir;
  private static final String HEAP = "-Xmx64m";

  @Test
  void fileLargerThanTheHeap_streamsUpAndDown() throws Exception {
    long megabytes = Long.parseLong(System.getenv().getOrDefault("CAIRN_S3_STREAM_MB", "256"));
    long size = megabytes * 1024 * 1024 + 17;
    try (S3TestServer server = S3TestServer.startOnDisk(dir)) {
      server.createBucket("stream");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child =
          new ProcessBuilder(
                  List.of(
                      java,
                      HEAP,
                      "-cp",
                      System.getProperty("java.class.path"),
                      S3StreamingProbe.class.getName(),
                      server.endpoint(),
                      "stream",
                      Long.toString(size)))
              .redirectErrorStream(true)
              .start();
      String output = readAll(child);
      assertThat(child.waitFor(10, TimeUnit.MINUTES)).isTrue();
      assertThat(child.exitValue()).as(output).isZero();
      String expected = GeneratedStream.sha256(new GeneratedStream(size, 42, -1));
      assertThat(output)
          .contains("written=" + size + " size=" + size + " sha256=" + expected)
          .contains("maxHeap=");
      System.out.println("S3 streaming probe (" + HEAP + ", " + size + " bytes): " + output);
    }
  }

  private static String readAll(Process child) throws IOException {
    return new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }
}
