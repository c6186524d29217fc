package io.cairn.server.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.schema.DataFetchingEnvironment;
import io.cairn.core.error.CairnException;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers a GraphQL field by the REST endpoint that answers the same MLflow call (MLflow's
 * resolvers call its REST handlers' {@code *_impl} the same way): the same validation, store path,
 * errors and JSON, read back as GraphQL maps. Identical calls within one GraphQL request are made
 * once (a search's runs in one experiment ask for it once). Thread-safe.
 */
final class RestCall {
  private static final String MEMO = "cairn.graphql.memo";
  private static final String CALLS = "cairn.graphql.calls";

  private final JsonApi api;
  private final ObjectMapper mapper;
  private final HandlerType method;
  private final String path;

  private final int maxCalls;

  RestCall(JsonApi api, ObjectMapper mapper, HandlerType method, String path, int maxCalls) {
    this.api = api;
    this.maxCalls = maxCalls;
    this.mapper = mapper;
    this.method = method;
    this.path = path;
  }

  /** The REST answer, as GraphQL maps, for the field's {@code input} argument. */
  Object fromInput(DataFetchingEnvironment env) {
    Map<String, Object> input = env.getArgument("input");
    return call(env, WireMaps.toWire(input));
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> call(DataFetchingEnvironment env, ObjectNode request) {
    Map<String, Map<String, Object>> memo =
        env.getGraphQlContext().computeIfAbsent(MEMO, k -> new ConcurrentHashMap<>());
    String key = method + " " + path + " " + request;
    Map<String, Object> known = memo.get(key);
    if (known != null) {
      return known;
    }
    AtomicInteger calls = env.getGraphQlContext().computeIfAbsent(CALLS, k -> new AtomicInteger());
    if (calls.incrementAndGet() > maxCalls) {
      throw CairnException.invalid(
          "This GraphQL query needs more than %d server calls (a run's experiment and modelVersions"
              + " cost one each); ask for fewer runs or leave those fields out",
          maxCalls);
    }
    JsonApi.Endpoint endpoint = api.endpoint(method, path);
    if (endpoint == null) {
      // Every field's route is registered with the server (tests register only the ones they
      // ask for): a missing one is a bug, not an answer the client can act on.
      throw new IllegalStateException("GraphQL calls " + method + " " + path + ", no such route");
    }
    Context ctx = env.getGraphQlContext().get(Context.class);
    JsonNode answer = endpoint.handle(Fields.ofJson(request), ctx);
    Map<String, Object> maps;
    try {
      // Through bytes: answers hold streamed parts (metric lists) that only a writer expands.
      maps =
          (Map<String, Object>)
              WireMaps.toGraphql(mapper.readTree(mapper.writeValueAsBytes(answer)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    memo.put(key, maps);
    return maps;
  }
}
