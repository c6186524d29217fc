package io.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small MLflow REST client over java.net.http: HTTP/1.1 with keep-alive (the client keeps one
 * connection per concurrent caller), JSON bodies written by hand so the driver stays cheap, and
 * loopback addresses only.
 */
final class Http {
  static final String API = "/api/2.0/mlflow/";

  record Resp(int status, String body, long nanos) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** A request that did not answer 2xx: the status and the start of the body. */
  static final class Failure extends IOException {
    final int status;

    Failure(String what, int status, String body) {
      super(what + " -> HTTP " + status + ": " + Driver.shorten(body, 300));
      this.status = status;
    }
  }

  private final HttpClient client;
  private final String base;
  private final Duration timeout;

  Http(String base, Duration timeout) {
    URI u = URI.create(base);
    String host = u.getHost();
    if (host == null
        || !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"))) {
      throw new IllegalArgumentException("the driver only loads loopback addresses, not " + base);
    }
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  Resp post(String path, String json) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + API + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8))
            .build();
    return send(req);
  }

  Resp get(String pathAndQuery) throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(base + API + pathAndQuery)).timeout(timeout).GET().build();
    return send(req);
  }

  private Resp send(HttpRequest req) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
    return new Resp(r.statusCode(), r.body(), System.nanoTime() - t0);
  }

  /**
   * A GET whose answer is only counted: the number of elements of the top-level array {@code
   * field}, and the top-level string {@code tokenField} ("" when absent). Read from the bytes with
   * Jackson's streaming parser, so the load driver spends as little of the shared CPU as it can on
   * large answers (a 25,000-point history page is 3 MB).
   */
  record Counted(long count, String token) {}

  Counted getCounted(String pathAndQuery, String field, String tokenField) throws IOException {
    // HttpURLConnection parses straight from the socket while the answer arrives; java.net.http
    // collects the whole body first and costs twice the client time on a 2 MB answer.
    java.net.HttpURLConnection c =
        (java.net.HttpURLConnection) URI.create(base + API + pathAndQuery).toURL().openConnection();
    c.setConnectTimeout(10_000);
    c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    int status = c.getResponseCode();
    if (status / 100 != 2) {
      java.io.InputStream err = c.getErrorStream();
      String body = err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8);
      throw new Failure("GET " + pathAndQuery, status, body);
    }
    long count = 0;
    String token = "";
    try (java.io.InputStream in = c.getInputStream();
        com.fasterxml.jackson.core.JsonParser p = Driver.JSON.getFactory().createParser(in)) {
      if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
        throw new IOException("GET " + pathAndQuery + ": the answer is not a JSON object");
      }
      while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
        String name = p.currentName();
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        if (name.equals(field) && t == com.fasterxml.jackson.core.JsonToken.START_ARRAY) {
          while (p.nextToken() != com.fasterxml.jackson.core.JsonToken.END_ARRAY) {
            count++;
            p.skipChildren();
          }
        } else if (name.equals(tokenField) && t == com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
          token = p.getText();
        } else {
          p.skipChildren();
        }
      }
      in.transferTo(java.io.OutputStream.nullOutputStream()); // drained, so the connection is reused
    }
    return new Counted(count, token);
  }

  JsonNode postOk(String path, String json) throws IOException, InterruptedException {
    Resp r = post(path, json);
    if (!r.ok()) {
      throw new Failure("POST " + path, r.status, r.body);
    }
    return Driver.JSON.readTree(r.body);
  }

  JsonNode getOk(String pathAndQuery) throws IOException, InterruptedException {
    Resp r = get(pathAndQuery);
    if (!r.ok()) {
      throw new Failure("GET " + pathAndQuery, r.status, r.body);
    }
    return Driver.JSON.readTree(r.body);
  }

  /** Creates an experiment, or finds it by name when it exists already. */
  String experiment(String name) throws IOException, InterruptedException {
    Resp r = post("experiments/create", "{\"name\":" + str(name) + "}");
    if (r.ok()) {
      return Driver.JSON.readTree(r.body).path("experiment_id").asText();
    }
    JsonNode e = getOk("experiments/get-by-name?experiment_name=" + enc(name));
    return e.path("experiment").path("experiment_id").asText();
  }

  String createRun(String experimentId, String runName, long startTime)
      throws IOException, InterruptedException {
    JsonNode r =
        postOk(
            "runs/create",
            "{\"experiment_id\":"
                + str(experimentId)
                + ",\"run_name\":"
                + str(runName)
                + ",\"start_time\":"
                + startTime
                + ",\"tags\":[{\"key\":\"mlflow.runName\",\"value\":"
                + str(runName)
                + "}]}");
    JsonNode info = r.path("run").path("info");
    String id = info.path("run_id").asText("");
    return id.isEmpty() ? info.path("run_uuid").asText() : id;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A JSON string literal (the driver's own strings are plain ASCII). */
  static String str(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.append('"').toString();
  }
}
