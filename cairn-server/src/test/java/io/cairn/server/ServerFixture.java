package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A real Cairn server on a free port over a temporary SQLite file, with plain HTTP helpers. */
public final class ServerFixture implements AutoCloseable {
  /** A response: status, body text, and the body as JSON when it is JSON. */
  public record Answer(int status, String body, HttpResponse<byte[]> raw) {
    public JsonNode json() {
      try {
        return new ObjectMapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  private final CairnServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  public final Path dataDir;

  public ServerFixture(Path dataDir) {
    this(ServerConfig.embedded("127.0.0.1", 0, dataDir));
  }

  /** A server with any configuration, e.g. one of several sharing a PostgreSQL database. */
  public ServerFixture(ServerConfig config) {
    this.dataDir = config.dataDir();
    this.server = CairnServer.start(config);
  }

  /** The directory of the ONNX fixtures made by scripts/make-onnx-fixtures.py. */
  public static Path onnxFixtures() {
    Path here = Path.of("").toAbsolutePath();
    return here.getParent().resolve("cairn-ml/src/test/resources/onnx");
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public int port() {
    return server.port();
  }

  public Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
  }

  public Answer post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Answer postBytes(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/octet-stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Answer put(String path, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public Answer putJson(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Answer delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(url() + path)).DELETE());
  }

  private Answer send(HttpRequest.Builder request) {
    try {
      HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), r);
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Sends a request line exactly as given, so no client library normalises the path first. */
  public Answer raw(String method, String rawPath) {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          (method
                  + " "
                  + rawPath
                  + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                  + "Content-Length: 0\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(response.substring(9, 12));
      int bodyAt = response.indexOf("\r\n\r\n");
      return new Answer(status, bodyAt < 0 ? "" : response.substring(bodyAt + 4), null);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
