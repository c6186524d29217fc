package io.cairn.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registers JSON endpoints under one or more path prefixes (MLflow serves each route under both
 * {@code /api/2.0/mlflow} and {@code /ajax-api/2.0/mlflow}) and reads their fields: query
 * parameters for GET (or, without any, a JSON body), the JSON body otherwise, under the endpoint's
 * {@link BodyLimits}.
 */
public final class JsonApi {
  /** One endpoint: the request's fields in, the response's JSON out. */
  @FunctionalInterface
  public interface Endpoint {
    JsonNode handle(Fields fields, Context ctx);
  }

  private final Javalin app;
  private final ObjectMapper mapper;
  private final JsonBodies bodies;
  private final List<String> prefixes;
  private final Map<String, Endpoint> endpoints;

  public JsonApi(Javalin app, ObjectMapper mapper, JsonBodies bodies, List<String> prefixes) {
    this(app, mapper, bodies, prefixes, new ConcurrentHashMap<>());
  }

  private JsonApi(
      Javalin app,
      ObjectMapper mapper,
      JsonBodies bodies,
      List<String> prefixes,
      Map<String, Endpoint> endpoints) {
    this.app = app;
    this.mapper = mapper;
    this.bodies = bodies;
    this.prefixes = List.copyOf(prefixes);
    this.endpoints = endpoints;
  }

  /** The same server's API under other prefixes. */
  public JsonApi under(List<String> otherPrefixes) {
    return new JsonApi(app, mapper, bodies, otherPrefixes, endpoints);
  }

  /**
   * The endpoint registered (through this API or any {@link #under} it) for a method and full path,
   * or null: for callers that answer the same question another way (GraphQL) and must answer it as
   * the REST endpoint does.
   */
  public Endpoint endpoint(HandlerType method, String path) {
    return endpoints.get(method + " " + path);
  }

  public void get(String path, Endpoint endpoint) {
    add(HandlerType.GET, path, BodyLimits.standard(), endpoint);
  }

  public void post(String path, Endpoint endpoint) {
    add(HandlerType.POST, path, BodyLimits.standard(), endpoint);
  }

  /** A POST whose body may be larger or hold more than most. */
  public void post(String path, BodyLimits limits, Endpoint endpoint) {
    add(HandlerType.POST, path, limits, endpoint);
  }

  public void patch(String path, Endpoint endpoint) {
    add(HandlerType.PATCH, path, BodyLimits.standard(), endpoint);
  }

  public void put(String path, Endpoint endpoint) {
    add(HandlerType.PUT, path, BodyLimits.standard(), endpoint);
  }

  public void delete(String path, Endpoint endpoint) {
    add(HandlerType.DELETE, path, BodyLimits.standard(), endpoint);
  }

  private void add(HandlerType method, String path, BodyLimits limits, Endpoint endpoint) {
    for (String prefix : prefixes) {
      endpoints.put(method + " " + prefix + path, endpoint);
      if (!limits.equals(BodyLimits.standard())) {
        bodies.limit(prefix + path, limits);
      }
      app.addHttpHandler(
          method,
          prefix + path,
          ctx -> {
            // A GET without a query string may carry its fields as a JSON body, as
            // mlflow-export-import sends them; MLflow's server reads the body then.
            Fields fields =
                method == HandlerType.GET && !(ctx.queryParamMap().isEmpty() && jsonBody(ctx))
                    ? Fields.ofQuery(ctx.queryParamMap())
                    : bodies.read(ctx, limits);
            answer(ctx, endpoint.handle(fields, ctx));
          });
    }
  }

  private static boolean jsonBody(Context ctx) {
    String type = ctx.contentType();
    return type != null && type.toLowerCase(java.util.Locale.ROOT).contains("json");
  }

  /** Writes an answer: whole when it is small, streamed when it is large (see AnswerStream). */
  public void answer(Context ctx, JsonNode answer) throws IOException {
    ctx.contentType("application/json");
    AnswerStream out = new AnswerStream(ctx);
    try {
      mapper.writeValue(out, answer);
    } catch (IOException | RuntimeException e) {
      out.discard();
      throw e;
    }
    out.finish();
  }

  /**
   * The request's JSON body as fields, under the standard limits and with the same errors as the
   * JSON endpoints: for handlers that answer with something other than JSON.
   */
  public Fields body(Context ctx) throws IOException {
    return bodies.read(ctx, BodyLimits.standard());
  }

  /** The request's JSON body under an endpoint's own limits. */
  public Fields body(Context ctx, BodyLimits limits) throws IOException {
    return bodies.read(ctx, limits);
  }
}
