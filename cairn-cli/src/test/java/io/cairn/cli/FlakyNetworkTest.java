package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cairn.client.CairnClient;
import io.cairn.client.DatasetsClient;
import io.cairn.client.PullOptions;
import io.cairn.client.PushOptions;
import io.cairn.server.ServerFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push and pull through a faulty network: a forwarding proxy in front of the real server answers
 * the first attempt at every upload and download with 503, or cuts the connection, and passes
 * everything else through. The client must retry until each transfer succeeds.
 */
class FlakyNetworkTest {
  @TempDir Path dir;

  @Test
  void pushAndPull_retryThrough503sAndCutConnections() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("data/sub"));
    Random random = new Random(7);
    for (int i = 0; i < 6; i++) {
      byte[] bytes = new byte[(i % 2 == 0 ? 3 << 20 : 2000) + i];
      random.nextBytes(bytes);
      Files.write(folder.resolve("f" + i + ".bin"), bytes);
    }
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      Set<String> failedOnce = ConcurrentHashMap.newKeySet();
      AtomicInteger faults = new AtomicInteger();
      HttpServer proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      proxy.createContext(
          "/",
          x -> {
            String key = x.getRequestMethod() + " " + x.getRequestURI();
            boolean transfer =
                key.contains("/blobs/pack")
                    || key.matches("PUT .*/blobs/[0-9a-f]{64}.*")
                    || key.contains("/files/")
                    || key.endsWith("/pack");
            if (transfer && failedOnce.add(key)) {
              faults.incrementAndGet();
              x.getRequestBody().readAllBytes();
              if (faults.get() % 2 == 0) {
                x.close(); // the connection is cut: no answer at all
                return;
              }
              byte[] body =
                  "{\"error_code\": \"TEMPORARILY_UNAVAILABLE\", \"message\": \"busy\"}".getBytes();
              x.sendResponseHeaders(503, body.length);
              x.getResponseBody().write(body);
              x.close();
              return;
            }
            forward(server.url(), x);
          });
      proxy.start();
      try {
        String url = "http://127.0.0.1:" + proxy.getAddress().getPort();
        DatasetsClient datasets = new DatasetsClient(new CairnClient(url));
        DatasetsClient.PushResult pushed =
            datasets.push("flaky", dir.resolve("data"), new PushOptions().rehash(true));
        assertThat(pushed.version()).isEqualTo(1);
        assertThat(pushed.files()).isEqualTo(6);
        Path copy = dir.resolve("copy");
        datasets.pull("flaky@1", copy, new PullOptions());
        for (int i = 0; i < 6; i++) {
          assertThat(
                  Files.mismatch(
                      folder.resolve("f" + i + ".bin"), copy.resolve("sub/f" + i + ".bin")))
              .isEqualTo(-1L);
        }
        assertThat(faults.get()).as("faults injected").isGreaterThanOrEqualTo(4);
      } finally {
        proxy.stop(0);
      }
    }
  }

  private static void forward(String base, HttpExchange x) throws IOException {
    HttpURLConnection c = (HttpURLConnection) new URL(base + x.getRequestURI()).openConnection();
    c.setRequestMethod(x.getRequestMethod());
    for (Map.Entry<String, List<String>> h : x.getRequestHeaders().entrySet()) {
      if (!h.getKey().equalsIgnoreCase("Host") && !h.getKey().equalsIgnoreCase("Content-length")) {
        h.getValue().forEach(v -> c.addRequestProperty(h.getKey(), v));
      }
    }
    byte[] body = x.getRequestBody().readAllBytes();
    if (body.length > 0) {
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(body);
      }
    }
    int status = c.getResponseCode();
    InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
    byte[] answer = in == null ? new byte[0] : in.readAllBytes();
    String type = c.getContentType();
    if (type != null) {
      x.getResponseHeaders().add("Content-Type", type);
    }
    String sha = c.getHeaderField("X-Cairn-Sha256");
    if (sha != null) {
      x.getResponseHeaders().add("X-Cairn-Sha256", sha);
    }
    x.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
    if (answer.length > 0) {
      x.getResponseBody().write(answer);
    }
    x.close();
  }
}
