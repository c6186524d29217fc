package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.storage.s3.S3TestServer;
import io.cairn.storage.sql.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What crashed or killed runs leave behind is removed, by a real server: at its start (its own
 * {@code <data-dir>/tmp} whole, shared folders by age) and by dataset garbage collection; what a
 * live upload, on this server or another sharing the folder, is still writing survives both.
 */
class LeftoversTest {
  private static final long HOURS_2 = 2 * 3_600_000L;
  private static final long DAYS_8 = 8 * 24 * 3_600_000L;
  private static final String D = "/api/cairn/v1/datasets";
  @TempDir Path dir;

  /** Writes a file (and its folders) and dates all of them {@code ageMillis} back. */
  private static Path plant(Path file, long ageMillis) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, "left behind");
    FileTime t = FileTime.fromMillis(System.currentTimeMillis() - ageMillis);
    Files.setLastModifiedTime(file, t);
    return file;
  }

  /** Dates a folder and everything in it {@code ageMillis} back. */
  private static void age(Path folder, long ageMillis) throws IOException {
    FileTime t = FileTime.fromMillis(System.currentTimeMillis() - ageMillis);
    try (Stream<Path> s = Files.walk(folder)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.setLastModifiedTime(p, t);
      }
    }
  }

  private static void awaitGone(Path file) throws InterruptedException {
    for (int i = 0; i < 400 && Files.exists(file); i++) {
      Thread.sleep(50);
    }
    assertThat(file).as("removed by the start-up walk").doesNotExist();
  }

  @Test
  void start_removesWhatACrashedRunLeft_andKeepsWhatMayStillBeWritten() throws Exception {
    Path data = dir.resolve("server");
    Path artifacts = data.resolve("artifacts");
    // this server's own folder: everything older than the process goes
    Path spill = plant(data.resolve("tmp/duckdb/cairn-duckdb-1/spill/block-1.tmp"), HOURS_2);
    age(data.resolve("tmp/duckdb/cairn-duckdb-1"), HOURS_2);
    Path ownFresh = plant(data.resolve("tmp/duckdb/cairn-duckdb-2/spill/block-1.tmp"), 0);
    // dataset uploads in the shared artifact folder: by age
    Path parts = artifacts.resolve(".cairn-datasets-tmp");
    Path crashedPart = plant(parts.resolve("blob-crashed.part"), HOURS_2);
    Path youngPart = plant(parts.resolve("blob-young.part"), 5 * 60_000L);
    Path legacySpill = plant(parts.resolve("duckdb/cairn-duckdb-9/spill/block.tmp"), HOURS_2);
    age(parts.resolve("duckdb/cairn-duckdb-9"), HOURS_2);
    // artifact uploads, deep in the tree where no listing goes
    Path model = artifacts.resolve("1/abc123/artifacts/model");
    Path crashedUpload = plant(model.resolve(".cairn-upload-" + UUID.randomUUID()), HOURS_2);
    Path liveUpload = plant(model.resolve(".cairn-upload-" + UUID.randomUUID()), 5 * 60_000L);
    Path artifact = plant(model.resolve("model.onnx"), HOURS_2);
    // multipart: one upload abandoned for eight days, one live with a cut-off part
    Path staging = artifacts.resolve(".cairn-multipart");
    String abandoned = UUID.randomUUID().toString().replace("-", "");
    plant(staging.resolve(abandoned + "/part-1"), DAYS_8);
    plant(staging.resolve(abandoned + "/target"), DAYS_8);
    String live = UUID.randomUUID().toString().replace("-", "");
    Path target = plant(staging.resolve(live + "/target"), HOURS_2);
    Path donePart = plant(staging.resolve(live + "/part-1"), HOURS_2);
    Path cutPart = plant(staging.resolve(live + "/part-2." + UUID.randomUUID() + ".tmp"), HOURS_2);
    Path writing = plant(staging.resolve(live + "/part-3." + UUID.randomUUID() + ".tmp"), 0);
    // the system's temporary folder
    Path system = Path.of(System.getProperty("java.io.tmpdir"));
    Path s3Spill = plant(system.resolve("cairn-s3-part-" + UUID.randomUUID() + ".tmp"), HOURS_2);
    Path onnx = system.resolve("cairn-onnx" + UUID.randomUUID());
    plant(onnx.resolve("m.onnx"), HOURS_2);
    age(onnx, HOURS_2);

    try (ServerFixture server = new ServerFixture(data)) {
      assertThat(server.port()).isPositive();
      awaitGone(crashedUpload);

      assertThat(spill.getParent().getParent()).doesNotExist();
      assertThat(ownFresh).exists();
      assertThat(crashedPart).doesNotExist();
      assertThat(youngPart).exists();
      assertThat(legacySpill.getParent().getParent()).doesNotExist();
      assertThat(liveUpload).exists();
      assertThat(artifact).exists();
      assertThat(staging.resolve(abandoned)).doesNotExist();
      assertThat(target).exists();
      assertThat(donePart).exists();
      assertThat(cutPart).doesNotExist();
      assertThat(writing).exists();
      assertThat(s3Spill).doesNotExist();
      assertThat(onnx).doesNotExist();
    }
  }

  @Test
  void startWithS3_removesItsOwnUploadPartsOlderThanTheProcess() throws Exception {
    Path data = dir.resolve("server");
    Path uploads = data.resolve("tmp/dataset-uploads");
    Path crashed = plant(uploads.resolve("blob-crashed.part"), HOURS_2);
    Path fresh = plant(uploads.resolve("blob-fresh.part"), 0);
    Path oldSpill = plant(uploads.resolve("duckdb/cairn-duckdb-3/spill/b.tmp"), HOURS_2);
    age(uploads.resolve("duckdb/cairn-duckdb-3"), HOURS_2);
    try (S3TestServer s3 = S3TestServer.start()) {
      s3.createBucket("lake");
      ServerConfig local = ServerConfig.embedded("127.0.0.1", 0, data);
      ServerConfig config =
          new ServerConfig(
              local.host(),
              0,
              local.dataDir(),
              local.dbUrl(),
              null,
              null,
              local.artifactsDir(),
              local.maxRequestBytes(),
              s3.settings("lake", "cairn"));
      try (ServerFixture server = new ServerFixture(config)) {
        assertThat(server.port()).isPositive();
        assertThat(crashed).doesNotExist();
        assertThat(fresh).exists();
        assertThat(oldSpill.getParent().getParent()).doesNotExist();
      }
    }
  }

  /** An upload sent by hand: headers and the first half of the body, the rest on request. */
  private static final class SlowUpload implements AutoCloseable {
    final byte[] body = new byte[300_000];
    final Socket socket;
    final OutputStream out;

    SlowUpload(ServerFixture server) throws Exception {
      new Random(11).nextBytes(body);
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
      socket = new Socket("127.0.0.1", server.port());
      out = socket.getOutputStream();
      out.write(
          ("PUT "
                  + D
                  + "/blobs/"
                  + sha
                  + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                  + "Content-Type: application/octet-stream\r\nContent-Length: "
                  + body.length
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, 0, body.length / 2);
      out.flush();
    }

    /** Sends the rest and returns the status line. */
    String finish() throws IOException {
      out.write(body, body.length / 2, body.length - body.length / 2);
      out.flush();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return response.substring(0, response.indexOf("\r\n"));
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static Set<String> parts(Path folder) throws IOException {
    Set<String> out = new TreeSet<>();
    if (Files.isDirectory(folder)) {
      try (Stream<Path> s = Files.list(folder)) {
        s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".part")).forEach(out::add);
      }
    }
    return out;
  }

  private ServerConfig shared(String url, String name) {
    return new ServerConfig(
        "127.0.0.1",
        0,
        dir.resolve(name),
        url,
        null,
        null,
        dir.resolve("artifacts"),
        ServerConfig.DEFAULT_MAX_REQUEST_BYTES);
  }

  @Test
  void twoServersOnPostgres_gcAndStartRemoveAbandonedParts_notAnUploadInFlight() throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    Path parts = dir.resolve("artifacts/.cairn-datasets-tmp");
    try (ServerFixture a = new ServerFixture(shared(url, "a"));
        SlowUpload upload = new SlowUpload(a)) {
      Path inFlight = null;
      for (int i = 0; i < 400 && inFlight == null; i++) {
        Set<String> names = parts(parts);
        inFlight = names.isEmpty() ? null : parts.resolve(names.iterator().next());
        Thread.sleep(25);
      }
      assertThat(inFlight).as("the upload's part file on server a").isNotNull();
      Path crashed = plant(parts.resolve("blob-crashed.part"), HOURS_2);

      // b starts on the same folder, then collects with no grace: a's upload is fresh
      try (ServerFixture b = new ServerFixture(shared(url, "b"))) {
        assertThat(b.port()).isPositive();
        assertThat(crashed).doesNotExist();
        assertThat(inFlight).exists();
        plant(crashed, HOURS_2);
        assertThat(b.post(D + "/gc", "{\"grace_seconds\": 0}").status()).isEqualTo(200);
        assertThat(crashed).doesNotExist();
        assertThat(inFlight).exists();
      }
      // a knows the upload is its own, however long it has been idle
      Files.setLastModifiedTime(
          inFlight, FileTime.fromMillis(System.currentTimeMillis() - HOURS_2));
      plant(crashed, HOURS_2);
      assertThat(a.post(D + "/gc", "{\"grace_seconds\": 0}").status()).isEqualTo(200);
      assertThat(crashed).doesNotExist();
      assertThat(inFlight).exists();

      assertThat(upload.finish()).contains(" 201");
      assertThat(parts(parts)).isEmpty();
    } finally {
      TestDatabases.dropSchemaOf(url);
    }
  }

  @Test
  void gcOnSqlite_removesAbandonedParts_keepsTheYoungOnes() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      Path parts = dir.resolve("server/artifacts/.cairn-datasets-tmp");
      Path crashed = plant(parts.resolve("blob-crashed.part"), HOURS_2);
      Path young = plant(parts.resolve("blob-young.part"), 60_000L);
      assertThat(server.post(D + "/gc", "{\"grace_seconds\": 3600}").status()).isEqualTo(200);
      assertThat(crashed).doesNotExist();
      plant(crashed, HOURS_2);
      assertThat(server.post(D + "/gc", "{\"grace_seconds\": 10800}").status()).isEqualTo(200);
      assertThat(crashed).exists();
      assertThat(server.post(D + "/gc", "{\"grace_seconds\": 0}").status()).isEqualTo(200);
      assertThat(crashed).doesNotExist();
      assertThat(young).exists();
      assertThat(List.of(young.getFileName().toString())).containsExactlyElementsOf(parts(parts));
    }
  }
}
