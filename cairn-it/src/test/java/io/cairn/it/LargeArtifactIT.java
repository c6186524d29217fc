package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An artifact far larger than the server's heap streams through it both ways: the real server runs
 * with {@code -Xmx256m}; the test PUTs a pseudo-random stream generated on the fly and GETs it
 * back, comparing SHA-256 on both sides. 2 GiB (about 35 s on 2 cores); {@code
 * -Dcairn.largeArtifactBytes=N} on the Maven command line sets another size.
 */
class LargeArtifactIT {
  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;

  static long size() {
    String configured = System.getProperty("cairn.largeArtifactBytes", "");
    if (!configured.isBlank()) {
      return Long.parseLong(configured.trim());
    }
    return 2048 * MIB;
  }

  /** A deterministic stream of {@code size} pseudo-random bytes, made as it is read. */
  static final class Generated extends InputStream {
    private final SplittableRandom random = new SplittableRandom(20_26);
    private final byte[] buffer = new byte[64 * 1024];
    private long remaining;
    private int at = buffer.length;

    Generated(long size) {
      this.remaining = size;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (remaining == 0) {
        return -1;
      }
      if (at == buffer.length) {
        random.nextBytes(buffer);
        at = 0;
      }
      int n = (int) Math.min(Math.min(len, buffer.length - at), remaining);
      System.arraycopy(buffer, at, b, off, n);
      at += n;
      remaining -= n;
      return n;
    }
  }

  @Test
  void artifactLargerThanTheHeap_streamsThroughAServerWith256MiBHeap() throws Exception {
    long size = size();
    Path data = dir.resolve("data");
    try (ServerProcess server = ServerProcess.start(data, List.of("-Xmx256m"), List.of())) {
      Http http = new Http(server.url());
      String path = Endpoints.A + "/artifacts/large/blob.bin";

      MessageDigest sent = sha256();
      long t0 = System.nanoTime();
      HttpRequest put =
          http.request(path)
              .PUT(
                  HttpRequest.BodyPublishers.fromPublisher(
                      HttpRequest.BodyPublishers.ofInputStream(
                          () -> new DigestInputStream(new Generated(size), sent)),
                      size))
              .build();
      Http.Answer up = http.send(put);
      double upSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(up.status()).as(up.body()).isEqualTo(200);
      assertThat(Files.size(data.resolve("artifacts/large/blob.bin"))).isEqualTo(size);

      MessageDigest received = sha256();
      long t1 = System.nanoTime();
      HttpResponse<InputStream> down =
          http.send(http.request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      long count;
      try (InputStream in = new DigestInputStream(down.body(), received)) {
        count = drain(in);
      }
      double downSeconds = (System.nanoTime() - t1) / 1e9;

      assertThat(down.statusCode()).isEqualTo(200);
      assertThat(count).isEqualTo(size);
      String sentHex = HexFormat.of().formatHex(sent.digest());
      String receivedHex = HexFormat.of().formatHex(received.digest());
      assertThat(receivedHex).as("sha256 of the bytes read back").isEqualTo(sentHex);
      assertThat(server.isAlive()).isTrue();
      Http.ok(http.get(Endpoints.P + "/experiments/get?experiment_id=0"));
      assertThat(server.output()).doesNotContain("OutOfMemoryError");
      System.out.printf(
          "large artifact: %d MiB through a -Xmx256m server: up %.1f s (%.0f MiB/s), down %.1f s"
              + " (%.0f MiB/s), server peak RSS %d MiB, sha256 %s... equal%n",
          size / MIB,
          upSeconds,
          size / MIB / upSeconds,
          downSeconds,
          size / MIB / downSeconds,
          server.peakRssMib(),
          sentHex.substring(0, 12));
    }
  }

  private static long drain(InputStream in) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
    }
    return total;
  }

  private static MessageDigest sha256() throws NoSuchAlgorithmException {
    return MessageDigest.getInstance("SHA-256");
  }
}
