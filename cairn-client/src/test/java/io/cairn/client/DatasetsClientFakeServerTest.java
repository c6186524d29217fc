package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The push and pull workflows against a scripted server: uploads retried on 503, a commit that
 * finds content freed by a garbage collection, and a pull that finds a corrupted file.
 */
class DatasetsClientFakeServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  HttpServer server;
  DatasetsClient datasets;
  final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> putsBySha = new ConcurrentHashMap<>();
  final List<String> putPaths = new CopyOnWriteArrayList<>();
  final AtomicInteger commits = new AtomicInteger();
  final AtomicInteger missingCalls = new AtomicInteger();
  volatile String forgetOnFirstCommit;
  volatile JsonNode manifest;
  volatile boolean cutConnections;
  final AtomicInteger downloads = new AtomicInteger();
  final Map<String, byte[]> served = new ConcurrentHashMap<>();

  static String sha(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  private static void answer(HttpExchange x, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(status, b.length);
    x.getResponseBody().write(b);
    x.close();
  }

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    server.createContext(
        "/api/cairn/v1/datasets/blobs/missing",
        x -> {
          missingCalls.incrementAndGet();
          JsonNode asked = JSON.readTree(x.getRequestBody());
          ObjectNode out = JSON.createObjectNode();
          ArrayNode missing = out.putArray("missing");
          asked
              .path("sha256")
              .forEach(
                  s -> {
                    if (!blobs.containsKey(s.asText())) {
                      missing.add(s.asText());
                    }
                  });
          answer(x, 200, out.toString());
        });
    server.createContext(
        "/api/cairn/v1/datasets/blobs/",
        x -> {
          String sha =
              x.getRequestURI().getPath().substring("/api/cairn/v1/datasets/blobs/".length());
          byte[] body = x.getRequestBody().readAllBytes();
          int n = putsBySha.computeIfAbsent(sha, k -> new AtomicInteger()).incrementAndGet();
          if (cutConnections && n == 1) { // the connection is closed without an answer
            x.close();
            return;
          }
          if (n <= 2 && !cutConnections) {
            answer(x, 503, "{\"error_code\":\"TEMPORARILY_UNAVAILABLE\",\"message\":\"busy\"}");
            return;
          }
          try {
            if (!sha(body).equals(sha)) {
              answer(x, 400, "{\"error_code\":\"INVALID_PARAMETER_VALUE\",\"message\":\"bad\"}");
              return;
            }
          } catch (Exception e) {
            throw new IOException(e);
          }
          String query = x.getRequestURI().getRawQuery();
          putPaths.add(
              URLDecoder.decode(query.substring("path=".length()), StandardCharsets.UTF_8));
          blobs.put(sha, body);
          answer(
              x, 200, "{\"sha256\":\"" + sha + "\",\"size\":" + body.length + ",\"stored\":true}");
        });
    server.createContext(
        "/api/cairn/v1/datasets/wine/versions",
        x -> {
          String path = x.getRequestURI().getRawPath();
          if (x.getRequestMethod().equals("POST")) {
            JsonNode body = JSON.readTree(x.getRequestBody());
            if (commits.incrementAndGet() == 1 && forgetOnFirstCommit != null) {
              blobs.remove(forgetOnFirstCommit);
              answer(
                  x,
                  404,
                  "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\",\"message\":\"1 file(s) have no"
                      + " stored content\"}");
              return;
            }
            manifest = body;
            answer(
                x,
                200,
                "{\"version\":{\"dataset\":\"wine\",\"version\":1,\"tags\":[]},\"created\":true}");
          } else if (path.contains("/files/")) {
            String file =
                URLDecoder.decode(
                    path.substring(path.indexOf("/files/") + 7), StandardCharsets.UTF_8);
            byte[] bytes = served.get(file);
            x.getResponseHeaders().add("Content-Type", "application/octet-stream");
            if (cutConnections && downloads.incrementAndGet() == 1) {
              x.sendResponseHeaders(200, bytes.length); // half the body, then the connection drops
              x.getResponseBody().write(bytes, 0, bytes.length / 2);
              x.getResponseBody().flush();
              x.close();
              return;
            }
            x.sendResponseHeaders(200, bytes.length);
            x.getResponseBody().write(bytes);
            x.close();
          } else {
            ObjectNode out = JSON.createObjectNode();
            out.putObject("version").put("dataset", "wine").put("version", 7);
            ArrayNode files = out.putArray("files");
            manifest.path("files").forEach(files::add);
            answer(x, 200, out.toString());
          }
        });
    server.start();
    datasets =
        new DatasetsClient(new CairnClient("http://127.0.0.1:" + server.getAddress().getPort()))
            .backoff(1);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Path folder() throws IOException {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("sub dir"));
    Files.writeString(data.resolve("a.txt"), "alpha");
    Files.writeString(data.resolve("sub dir/b+c.txt"), "beta");
    Files.writeString(data.resolve("copy.txt"), "alpha");
    return data;
  }

  @Test
  void push_retriesUploadsOn503_andUploadsAgainWhatAGcFreedBeforeTheCommit() throws Exception {
    Path data = folder();
    forgetOnFirstCommit = sha("beta".getBytes(StandardCharsets.UTF_8));
    List<String> phases = new CopyOnWriteArrayList<>();
    AtomicLong last = new AtomicLong();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void begin(String phase, int files, long totalBytes) {
            phases.add(phase + " " + files + " " + totalBytes);
          }

          @Override
          public void progress(long bytesDone) {
            last.set(bytesDone);
          }
        };

    DatasetsClient.PushResult r =
        datasets.push(
            "wine", data, new PushOptions().message("first").tag("raw").progress(listener));

    assertThat(r.version()).isEqualTo(1);
    assertThat(r.created()).isTrue();
    assertThat(r.files()).isEqualTo(3);
    assertThat(r.totalBytes()).isEqualTo(14);
    // alpha (5) once for two files, beta (4) twice: before the commit and after the GC freed it
    assertThat(r.filesUploaded()).isEqualTo(3);
    assertThat(r.bytesUploaded()).isEqualTo(13);
    assertThat(phases).containsExactly("hashing 3 14", "uploading 2 9", "uploading 1 4");
    assertThat(last.get()).isEqualTo(4);
    assertThat(putsBySha.get(sha("alpha".getBytes(StandardCharsets.UTF_8))).get()).isEqualTo(3);
    assertThat(putPaths).contains("sub dir/b+c.txt");
    assertThat(commits.get()).isEqualTo(2);
    assertThat(manifest.path("message").asText()).isEqualTo("first");
    assertThat(manifest.path("author").asText()).isEqualTo(System.getProperty("user.name"));
    assertThat(manifest.path("tags").get(0).asText()).isEqualTo("raw");
    assertThat(manifest.path("allow_unchanged").asBoolean()).isFalse();
    List<String> paths = new ArrayList<>();
    manifest.path("files").forEach(f -> paths.add(f.path("path").asText()));
    assertThat(paths).containsExactly("a.txt", "copy.txt", "sub dir/b+c.txt");
  }

  @Test
  void pull_downloadsWhatIsMissing_andRefusesACorruptedFileNamingIt() throws Exception {
    Path data = folder();
    datasets.push("wine", data, new PushOptions());
    served.put("a.txt", "alpha".getBytes(StandardCharsets.UTF_8));
    served.put("copy.txt", "alpha".getBytes(StandardCharsets.UTF_8));
    served.put("sub dir/b+c.txt", "beta".getBytes(StandardCharsets.UTF_8));
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("a.txt"), "alpha");
    Files.writeString(out.resolve("copy.txt"), "ALPHA");

    DatasetsClient.PullResult r = datasets.pull("wine@raw", out, new PullOptions());

    assertThat(r.version()).isEqualTo(7);
    assertThat(r.filesPresent()).isEqualTo(1);
    assertThat(r.filesDownloaded()).isEqualTo(2);
    assertThat(r.bytesDownloaded()).isEqualTo(9);
    assertThat(Files.readString(out.resolve("copy.txt"))).isEqualTo("alpha");
    assertThat(Files.readString(out.resolve("sub dir/b+c.txt"))).isEqualTo("beta");

    served.put("sub dir/b+c.txt", "BETA".getBytes(StandardCharsets.UTF_8));
    Path fresh = dir.resolve("fresh");
    assertThatThrownBy(() -> datasets.pull("wine", fresh, new PullOptions()))
        .isInstanceOfSatisfying(
            CairnException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
        .hasMessageContaining(
            "file sub dir/b+c.txt is corrupted on the server: expected sha256 "
                + sha("beta".getBytes(StandardCharsets.UTF_8))
                + ", got "
                + sha("BETA".getBytes(StandardCharsets.UTF_8)));
    assertThat(fresh.resolve("sub dir/b+c.txt")).doesNotExist();
    try (var s = Files.walk(fresh)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith(".cairn-pull-"));
    }
  }

  @Test
  void uploadsAndDownloadsCutShort_areTriedAgain() throws Exception {
    cutConnections = true;
    Path data = dir.resolve("one");
    Files.createDirectories(data);
    byte[] content = new byte[200_000];
    new java.util.Random(4).nextBytes(content);
    Files.write(data.resolve("x.bin"), content);
    DatasetsClient.PushResult pushed = datasets.push("wine", data, new PushOptions());
    assertThat(pushed.bytesUploaded()).isEqualTo(200_000);
    assertThat(putsBySha.get(sha(content)).get()).isEqualTo(2);

    served.put("x.bin", content);
    Path out = dir.resolve("out");
    DatasetsClient.PullResult pulled = datasets.pull("wine", out, new PullOptions());
    assertThat(pulled.filesDownloaded()).isEqualTo(1);
    assertThat(pulled.bytesDownloaded()).isEqualTo(200_000);
    assertThat(downloads.get()).isEqualTo(2);
    assertThat(Files.readAllBytes(out.resolve("x.bin"))).isEqualTo(content);
  }
}
