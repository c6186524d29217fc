package io.cairn.server.graphql;

import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.cairn.server.http.JsonApi;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * MLflow's GraphQL schema ({@code graphql/mlflow.graphqls}, MLflow's own SDL) wired to the REST
 * endpoints that answer the same calls, each field as MLflow's resolver answers it.
 */
final class MlflowSchema {
  private static final String API = "/api/2.0/mlflow";
  private static final String AJAX = "/ajax-api/2.0/mlflow";

  private MlflowSchema() {}

  static GraphQLSchema build(JsonApi api, ObjectMapper mapper, int maxCalls) {
    RestCall getExperiment = rest(api, mapper, maxCalls, HandlerType.GET, API + "/experiments/get");
    RestCall getRun = rest(api, mapper, maxCalls, HandlerType.GET, API + "/runs/get");
    RestCall searchRuns = rest(api, mapper, maxCalls, HandlerType.POST, API + "/runs/search");
    RestCall searchVersions =
        rest(api, mapper, maxCalls, HandlerType.GET, API + "/model-versions/search");
    RestCall listArtifacts = rest(api, mapper, maxCalls, HandlerType.GET, API + "/artifacts/list");
    RestCall bulkInterval =
        rest(api, mapper, maxCalls, HandlerType.GET, API + "/metrics/get-history-bulk-interval");
    // MLflow serves search-datasets for its UI only, under /ajax-api.
    RestCall searchDatasets =
        rest(api, mapper, maxCalls, HandlerType.POST, AJAX + "/experiments/search-datasets");
    DataFetcher<Object> searchRunsField = searchRuns::fromInput;
    RuntimeWiring wiring =
        RuntimeWiring.newRuntimeWiring()
            .codeRegistry(
                GraphQLCodeRegistry.newCodeRegistry().defaultDataFetcher(new ProtoDefaults()))
            .scalar(LongString.TYPE)
            .type(
                "Query",
                t ->
                    t.dataFetcher("mlflowGetExperiment", getExperiment::fromInput)
                        .dataFetcher("mlflowGetRun", getRun::fromInput)
                        .dataFetcher("mlflowSearchRuns", searchRunsField)
                        .dataFetcher("mlflowSearchModelVersions", searchVersions::fromInput)
                        .dataFetcher("mlflowListArtifacts", listArtifacts::fromInput)
                        .dataFetcher("mlflowGetMetricHistoryBulkInterval", bulkInterval::fromInput)
                        .dataFetcher("test", MlflowSchema::echo))
            .type(
                "Mutation",
                t ->
                    t.dataFetcher("mlflowSearchRuns", searchRunsField)
                        .dataFetcher("mlflowSearchDatasets", searchDatasets::fromInput)
                        .dataFetcher("testMutation", MlflowSchema::echo))
            .type(
                "MlflowRunExtension",
                t ->
                    t.dataFetcher("experiment", env -> runExperiment(getExperiment, env))
                        .dataFetcher("modelVersions", env -> runVersions(searchVersions, env)))
            .type("MlflowMetricExtension", t -> t.dataFetcher("value", metricValue(true)))
            .type("MlflowMetricWithRunId", t -> t.dataFetcher("value", metricValue(false)))
            .build();
    return new SchemaGenerator().makeExecutableSchema(new SchemaParser().parse(sdl()), wiring);
  }

  /** A run's experiment, as MLflow's {@code MlflowRunExtension.resolve_experiment}. */
  private static Object runExperiment(RestCall getExperiment, DataFetchingEnvironment env) {
    Object id = info(env).get("experimentId");
    return getExperiment.call(env, WireMaps.toWire(Map.of("experimentId", id))).get("experiment");
  }

  /** The versions registered from a run: a search for {@code run_id='<id>'}, as MLflow's. */
  private static Object runVersions(RestCall searchVersions, DataFetchingEnvironment env) {
    String filter = "run_id='" + info(env).get("runId") + "'";
    return searchVersions
        .call(env, WireMaps.toWire(Map.of("filter", filter)))
        .getOrDefault("modelVersions", List.of());
  }

  private static RestCall rest(
      JsonApi api, ObjectMapper mapper, int maxCalls, HandlerType method, String path) {
    return new RestCall(api, mapper, method, path, maxCalls);
  }

  private static Object echo(DataFetchingEnvironment env) {
    return Map.of("output", String.valueOf((Object) env.getArgument("inputString")));
  }

  private static Map<?, ?> info(DataFetchingEnvironment env) {
    Map<?, ?> run = env.getSource();
    return (Map<?, ?>) run.get("info");
  }

  /**
   * A metric's value: REST writes NaN and the infinities as strings, which GraphQL's Float cannot
   * carry. MLflow answers NaN in a run's metrics as null; elsewhere such a value is null with
   * graphql-core's error, which this repeats.
   */
  private static DataFetcher<Object> metricValue(boolean nanAsNull) {
    return env -> {
      Object v = ((Map<?, ?>) env.getSource()).get("value");
      if (!(v instanceof String s)) {
        return v == null ? 0.0 : v;
      }
      if (s.equals("NaN") && nanAsNull) {
        return null;
      }
      String python = s.equals("NaN") ? "nan" : s.startsWith("-") ? "-inf" : "inf";
      return DataFetcherResult.newResult()
          .error(
              GraphqlErrorBuilder.newError(env)
                  .message("Float cannot represent non numeric value: " + python)
                  .build())
          .build();
    };
  }

  private static String sdl() {
    try (InputStream in = MlflowSchema.class.getResourceAsStream("/graphql/mlflow.graphqls")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
