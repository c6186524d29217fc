package io.cairn.server.graphql;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.language.Document;
import graphql.parser.InvalidSyntaxException;
import graphql.parser.Parser;
import io.cairn.core.error.CairnException;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * MLflow's {@code /graphql} (GET and POST; the UI's run page and charts use it): one query (with
 * variables and an operation name) in a JSON object, answered with HTTP 200 and {@code {"data",
 * "errors"}}, errors as a list of messages or null, as MLflow answers. A field that fails (a
 * missing run) is null with its message; an unknown field or a query over {@link QueryLimits} has
 * null data. Unlike MLflow, which answers those with an HTML 500, a query that does not parse or a
 * body that is not one JSON object (a batch) is a 400 INVALID_PARAMETER_VALUE.
 */
public final class GraphqlEndpoint {
  public static final String PATH = "/graphql";

  private final GraphQL graphql;
  private final ObjectMapper mapper;
  private final QueryLimits limits;

  GraphqlEndpoint(JsonApi api, ObjectMapper mapper, QueryLimits limits) {
    this.mapper = mapper;
    this.limits = limits;
    this.graphql =
        GraphQL.newGraphQL(MlflowSchema.build(api, mapper, limits.maxCalls()))
            .instrumentation(
                new ChainedInstrumentation(
                    new MaxQueryDepthInstrumentation(limits.maxDepth()),
                    new MaxQueryComplexityInstrumentation(limits.maxSelections())))
            .defaultDataFetcherExceptionHandler(new FieldErrors())
            .build();
  }

  /** Serves {@code /graphql}, answering each field through {@code api}'s REST endpoints. */
  public static void register(Javalin app, JsonApi api, ObjectMapper mapper) {
    GraphqlEndpoint endpoint = new GraphqlEndpoint(api, mapper, QueryLimits.MLFLOW);
    Handler handler = ctx -> api.answer(ctx, endpoint.execute(api.body(ctx), ctx));
    app.post(PATH, handler);
    app.get(PATH, handler);
  }

  JsonNode execute(Fields request, Context ctx) {
    String query = request.requiredString("query");
    Document document;
    try {
      document = Parser.parse(query);
    } catch (InvalidSyntaxException e) {
      throw CairnException.invalid("The GraphQL query does not parse: %s", e.getMessage());
    }
    Optional<String> refused = limits.check(document);
    if (refused.isPresent()) {
      return answer(null, List.of(refused.get()));
    }
    ExecutionInput input =
        ExecutionInput.newExecutionInput(query)
            .variables(variables(request))
            .operationName(request.string("operationName"))
            .graphQLContext(ctx == null ? Map.of() : Map.of(Context.class, ctx))
            .build();
    ExecutionResult result = graphql.execute(input);
    List<String> errors = result.getErrors().stream().map(GraphQLError::getMessage).toList();
    return answer(result.getData(), errors);
  }

  private Map<String, Object> variables(Fields request) {
    String text = request.jsonObjectText("variables");
    if (text == null) {
      return Map.of();
    }
    try {
      return mapper.readValue(text, new TypeReference<Map<String, Object>>() {});
    } catch (java.io.IOException e) {
      throw CairnException.invalid("'variables' must be a JSON object");
    }
  }

  private JsonNode answer(Object data, List<String> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("data", data);
    body.put("errors", errors.isEmpty() ? null : errors);
    return mapper.valueToTree(body);
  }
}
