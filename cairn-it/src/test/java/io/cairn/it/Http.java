package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP calls to one Cairn server, in-process or a child process. Thread-safe. The {@code
 * try...} methods let connection failures through (the crash test needs to see them); the others
 * turn them into test failures.
 */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  /** A response: status, body bytes, and the Content-Type header ("" when absent). */
  record Answer(int status, byte[] bytes, String contentType) {
    String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + Text.clip(body()), e);
      }
    }
  }

  private final String base;
  private final HttpClient client;

  Http(String baseUrl) {
    this.base = baseUrl;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofMinutes(5));
  }

  /** The whole response, headers included; connection failures come through. */
  HttpResponse<byte[]> tryExchange(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  Answer trySend(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = tryExchange(request);
    return new Answer(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return client.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Answer send(HttpRequest request) {
    try {
      return trySend(request);
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  Answer get(String pathAndQuery) {
    return send(request(pathAndQuery).GET().build());
  }

  Answer post(String path, String json) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build());
  }

  Answer put(String path, byte[] body) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
  }

  /** A 200 answer's JSON; anything else fails the test with the body. */
  static JsonNode ok(Answer a) {
    if (a.status() != 200) {
      throw new AssertionError("expected 200, got " + a.status() + ": " + Text.clip(a.body()));
    }
    return a.json();
  }
}
