package io.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Java SDK: Cairn's API over HTTP. Thread-safe; one instance can be shared. Server errors come
 * back as {@link CairnException}s with the server's error code and message; an unreachable server
 * is TEMPORARILY_UNAVAILABLE.
 */
public final class CairnClient {
  private final String baseUrl;
  private final HttpClient http;
  static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";
  private final ObjectMapper mapper = new ObjectMapper();

  public CairnClient(String baseUrl) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10));
    if (this.baseUrl.startsWith("http://")) {
      builder.sslContext(plainOnly());
    }
    this.http = builder.build();
  }

  /**
   * For a plain-HTTP server: a TLS context with no trust material, so that building the client does
   * not load the JDK's certificate store (a few hundred milliseconds of every command's start).
   */
  private static javax.net.ssl.SSLContext plainOnly() {
    try {
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(new javax.net.ssl.KeyManager[0], new javax.net.ssl.TrustManager[0], null);
      return tls;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("TLS is part of every Java runtime", e);
    }
  }

  /** A client for the server found through {@link TrackingUri}. */
  public static CairnClient fromEnvironment(String urlFlag) {
    return new CairnClient(TrackingUri.resolve(urlFlag, System.getenv()));
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** An experiment as the server describes it. */
  public record ExperimentSummary(
      String id, String name, String lifecycleStage, String artifactLocation) {}

  /** All experiments of the given view type (ACTIVE_ONLY, DELETED_ONLY or ALL), following pages. */
  public List<ExperimentSummary> listExperiments(String viewType) {
    List<ExperimentSummary> out = new ArrayList<>();
    String token = null;
    do {
      ObjectNode body =
          mapper.createObjectNode().put("max_results", 1000).put("view_type", viewType);
      if (token != null) {
        body.put("page_token", token);
      }
      JsonNode answer = post("/api/2.0/mlflow/experiments/search", body);
      for (JsonNode e : answer.path("experiments")) {
        out.add(
            new ExperimentSummary(
                e.path("experiment_id").asText(),
                e.path("name").asText(),
                e.path("lifecycle_stage").asText(),
                e.path("artifact_location").asText()));
      }
      token = answer.hasNonNull("next_page_token") ? answer.get("next_page_token").asText() : null;
    } while (token != null);
    return out;
  }

  /** Creates an experiment and returns its id. */
  public String createExperiment(String name) {
    return post("/api/2.0/mlflow/experiments/create", mapper.createObjectNode().put("name", name))
        .path("experiment_id")
        .asText();
  }

  /** The server's name and version. */
  public Map<String, String> version() {
    JsonNode v = get("/version");
    return Map.of("name", v.path("name").asText(), "version", v.path("version").asText());
  }

  /** Runs of an experiment, newest first, one page of at most {@code max} runs. */
  public JsonNode searchRuns(String experimentId, String filter, int max) {
    ObjectNode body =
        mapper
            .createObjectNode()
            .put("max_results", max)
            .put("filter", filter == null ? "" : filter);
    body.putArray("experiment_ids").add(experimentId);
    return post("/api/2.0/mlflow/runs/search", body).path("runs");
  }

  public ObjectMapper mapper() {
    return mapper;
  }

  public JsonNode get(String path, String... query) {
    StringBuilder url = new StringBuilder(baseUrl).append(path);
    for (int i = 0; i + 1 < query.length; i += 2) {
      url.append(i == 0 ? '?' : '&')
          .append(query[i])
          .append('=')
          .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
    }
    return send(HttpRequest.newBuilder(URI.create(url.toString())).GET());
  }

  /** Sends a JSON body with any method (MLflow's registry uses PATCH and DELETE with bodies). */
  public JsonNode request(String method, String path, JsonNode body) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  /** Uploads a file to a path of the artifact store (through the server's artifact proxy). */
  public void upload(String storePath, java.nio.file.Path file) {
    try {
      send(
          HttpRequest.newBuilder(URI.create(baseUrl + ARTIFACTS + encodePath(storePath)))
              .PUT(HttpRequest.BodyPublishers.ofFile(file)));
    } catch (java.io.FileNotFoundException e) {
      throw CairnException.invalid("No file at %s", file);
    }
  }

  /** Downloads a file of the artifact store to {@code target}, replacing it. */
  public void download(String storePath, java.nio.file.Path target) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + ARTIFACTS + encodePath(storePath)))
            .GET()
            .timeout(Duration.ofMinutes(30))
            .build();
    try {
      java.nio.file.Files.createDirectories(target.toAbsolutePath().getParent());
      HttpResponse<java.nio.file.Path> r =
          http.send(request, HttpResponse.BodyHandlers.ofFile(target));
      if (r.statusCode() >= 400) {
        String body = java.nio.file.Files.readString(target);
        java.nio.file.Files.deleteIfExists(target);
        JsonNode json = mapper.readTree(body);
        throw new CairnException(
            ErrorCode.fromName(json.path("error_code").asText()),
            json.path("message").asText("HTTP " + r.statusCode()));
      }
    } catch (IOException e) {
      throw new CairnException(
          ErrorCode.TEMPORARILY_UNAVAILABLE,
          "Could not download " + storePath + " from " + baseUrl + ": " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.ABORTED, "Interrupted while downloading", e);
    }
  }

  /** The entries directly under a folder of the artifact store. */
  public JsonNode listArtifacts(String storePath) {
    return get(ARTIFACTS, "path", storePath).path("files");
  }

  private static String encodePath(String storePath) {
    StringBuilder out = new StringBuilder();
    for (String part : storePath.split("/")) {
      if (!part.isEmpty()) {
        out.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    return out.toString();
  }

  /**
   * Sends {@code method} to {@code path} (already encoded) with {@code query} pairs appended and an
   * optional JSON body (null for none).
   */
  JsonNode call(String method, String path, JsonNode body, String... query) {
    return call(Duration.ofSeconds(60), method, path, body, query);
  }

  /** {@link #call(String, String, JsonNode, String...)} waiting up to {@code timeout}. */
  JsonNode call(Duration timeout, String method, String path, JsonNode body, String... query) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path, query)));
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    return send(request.timeout(timeout).build());
  }

  /** The full URL of {@code path} (already encoded) with {@code query} pairs, encoded. */
  String url(String path, String... query) {
    StringBuilder url = new StringBuilder(baseUrl).append(path);
    boolean first = true;
    for (int i = 0; i + 1 < query.length; i += 2) {
      if (query[i + 1] == null) {
        continue;
      }
      url.append(first ? '?' : '&')
          .append(query[i])
          .append('=')
          .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
      first = false;
    }
    return url.toString();
  }

  /** The HTTP client, for requests that stream files (uploads and downloads). */
  HttpClient http() {
    return http;
  }

  /** One path segment, percent-encoded (a space is %20, a '+' is %2B). */
  static String encodeSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The error for a server that could not be reached. */
  CairnException unreachable(IOException e) {
    return new CairnException(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        "Cannot reach the Cairn server at "
            + baseUrl
            + " ("
            + e.getClass().getSimpleName()
            + "); start it with 'cairn server' or point --url / CAIRN_URL at it",
        e);
  }

  /**
   * The JSON of an answer, or the server's error as a {@link CairnException} when the status is 400
   * or more.
   */
  JsonNode answer(int status, String body) {
    JsonNode json;
    try {
      json = body.isEmpty() ? mapper.createObjectNode() : mapper.readTree(body);
    } catch (IOException e) {
      throw new CairnException(
          status == 503 ? ErrorCode.TEMPORARILY_UNAVAILABLE : ErrorCode.INTERNAL_ERROR,
          "The server at "
              + baseUrl
              + " answered "
              + status
              + " with a body that is"
              + " not JSON; is it a Cairn or MLflow server?");
    }
    if (status >= 400) {
      ErrorCode code = ErrorCode.fromName(json.path("error_code").asText());
      if (code == ErrorCode.INTERNAL_ERROR && status == 503) {
        code = ErrorCode.TEMPORARILY_UNAVAILABLE;
      }
      throw new CairnException(code, json.path("message").asText("HTTP " + status));
    }
    return json;
  }

  public JsonNode post(String path, JsonNode body) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
  }

  private JsonNode send(HttpRequest.Builder request) {
    return send(request.timeout(Duration.ofSeconds(60)).build());
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.ABORTED, "Interrupted while waiting for the server", e);
    }
    return answer(response.statusCode(), response.body());
  }
}
