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
