package io.cairn.server.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import graphql.parser.Parser;
import io.cairn.server.ServerFixture;
import io.cairn.server.http.BodyBudget;
import io.cairn.server.http.Fields;
import io.cairn.server.http.JsonApi;
import io.cairn.server.http.JsonBodies;
import io.javalin.Javalin;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The work one GraphQL request may ask for, bounded before (and while) it runs. */
class GraphqlBoundsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path dir;

  private static String check(String query) {
    return QueryLimits.MLFLOW.check(Parser.parse(query)).orElse(null);
  }

  private static String fields(int n, String field) {
    return IntStream.range(0, n).mapToObj(i -> field).collect(Collectors.joining(" "));
  }

  @Test
  void queryLimits_atEachBound_pass_andOnePast_failWithMlflowsMessage() {
    assertThat(check("{ " + fields(10, "test { output }") + " }")).isNull();
    assertThat(check("{ " + fields(11, "test { output }") + " }"))
        .isEqualTo("GraphQL queries should have at most 10 root fields, got 11 root fields.");

    String aliases = IntStream.range(0, 11).mapToObj(i -> "a" + i + ": output").toList().toString();
    assertThat(check("{ test { " + aliases.replaceAll("[\\[\\],]", " ") + " } }"))
        .isEqualTo("GraphQL queries should have at most 10 aliases, got 11 aliases.");

    assertThat(check("{ test { " + fields(999, "output") + " } }")).isNull();
    assertThat(check("{ test { " + fields(1000, "output") + " } }"))
        .isEqualTo("Query exceeds maximum total selections of 1000");

    assertThat(check("{ " + "a { ".repeat(9) + "b" + " }".repeat(9) + " }")).isNull();
    assertThat(check("{ " + "a { ".repeat(10) + "b" + " }".repeat(10) + " }"))
        .isEqualTo("Query exceeds maximum depth of 10");
  }

  @Test
  void queryLimits_countFragmentsWhereSpread_andStopOnCycles() {
    // Aliases spread over sibling fragments add up on their level.
    String split =
        "{ test { ...A ...B } } fragment A on Test { "
            + "a0: output a1: output a2: output a3: output a4: output a5: output }"
            + " fragment B on Test { b0: output b1: output b2: output b3: output b4: output }";
    assertThat(check(split))
        .isEqualTo("GraphQL queries should have at most 10 aliases, got 11 aliases.");
    // A fragment that spreads itself one level down ends at the depth bound, not in a loop.
    assertThat(check("{ run { ...F } } fragment F on X { child { ...F } }"))
        .isEqualTo("Query exceeds maximum depth of 10");
  }

  @Test
  void elevenRootFields_areRefusedBeforeAnyIsAnswered() {
    try (ServerFixture server = new ServerFixture(dir)) {
      String eleven =
          IntStream.range(0, 11)
              .mapToObj(
                  i ->
                      "r"
                          + i
                          + ": mlflowGetRun(input: {runId: \"missing"
                          + i
                          + "\"}) { run { info { runId } } }")
              .collect(Collectors.joining(" "));
      JsonNode answer = graphql(server, "{ " + eleven + " }");
      assertThat(answer.get("data").isNull()).isTrue();
      // One error, the bound's: none of the eleven runs was looked up.
      assertThat(answer.get("errors")).hasSize(1);
      assertThat(answer.get("errors").get(0).asText()).contains("at most 10 root fields");

      String ten = eleven.substring(0, eleven.lastIndexOf(" r10:"));
      JsonNode answered = graphql(server, "{ " + ten + " }");
      assertThat(answered.get("errors")).hasSize(10);
      assertThat(answered.get("errors").get(3).asText())
          .isEqualTo("Run with id=missing3 not found");
    }
  }

  @Test
  void int64PastItsRange_isAValidationError_notA500() {
    try (ServerFixture server = new ServerFixture(dir)) {
      JsonNode answer =
          graphql(
              server,
              "{ mlflowSearchModelVersions(input: {maxResults: 99999999999999999999}) {"
                  + " nextPageToken } }");
      assertThat(answer.get("data").isNull()).isTrue();
      assertThat(answer.get("errors").get(0).asText()).contains("within int64");
    }
  }

  @Test
  void serverCallsPastTheBound_failTheField_andStopCalling() {
    Javalin app = Javalin.create();
    JsonApi api =
        new JsonApi(
            app,
            MAPPER,
            new JsonBodies(MAPPER, BodyBudget.forHeap(1L << 30), 1 << 20),
            List.of("/api/2.0/mlflow"));
    ObjectNode page = MAPPER.createObjectNode();
    ArrayNode runs = page.putArray("runs");
    for (int i = 0; i < 20; i++) {
      runs.addObject().putObject("info").put("run_id", "r" + i).put("experiment_id", "e" + i);
    }
    AtomicInteger experimentCalls = new AtomicInteger();
    api.post("/runs/search", (f, ctx) -> page);
    api.get(
        "/experiments/get",
        (f, ctx) -> {
          experimentCalls.incrementAndGet();
          ObjectNode o = MAPPER.createObjectNode();
          o.putObject("experiment").put("experiment_id", f.requiredString("experiment_id"));
          return o;
        });
    GraphqlEndpoint endpoint =
        new GraphqlEndpoint(api, MAPPER, new QueryLimits(10, 1000, 10, 10, 6));

    JsonNode answer =
        endpoint.execute(
            Fields.ofJson(
                MAPPER
                    .createObjectNode()
                    .put(
                        "query",
                        "{ mlflowSearchRuns(input: {}) { runs { info { runId } experiment {"
                            + " experimentId } } } }")),
            null);

    // The search and five experiments; the other fifteen fail with the bound's message.
    assertThat(experimentCalls).hasValue(5);
    JsonNode got = answer.get("data").get("mlflowSearchRuns").get("runs");
    assertThat(got.get(4).get("experiment").get("experimentId").asText()).isEqualTo("e4");
    assertThat(got.get(5).get("experiment").isNull()).isTrue();
    assertThat(answer.get("errors")).hasSize(15);
    assertThat(answer.get("errors").get(0).asText()).contains("needs more than 6 server calls");
  }

  @Test
  void sameCallTwice_isMadeOnce() {
    Javalin app = Javalin.create();
    JsonApi api =
        new JsonApi(
            app,
            MAPPER,
            new JsonBodies(MAPPER, BodyBudget.forHeap(1L << 30), 1 << 20),
            List.of("/api/2.0/mlflow"));
    AtomicInteger calls = new AtomicInteger();
    api.get(
        "/experiments/get",
        (f, ctx) -> {
          calls.incrementAndGet();
          ObjectNode o = MAPPER.createObjectNode();
          o.putObject("experiment").put("name", "x");
          return o;
        });
    GraphqlEndpoint endpoint = new GraphqlEndpoint(api, MAPPER, QueryLimits.MLFLOW);
    String one = "mlflowGetExperiment(input: {experimentId: \"1\"}) { experiment { name } }";
    JsonNode answer =
        endpoint.execute(
            Fields.ofJson(
                MAPPER.createObjectNode().put("query", "{ a: " + one + " b: " + one + " }")),
            null);
    assertThat(answer.get("errors").isNull()).isTrue();
    assertThat(answer.get("data").get("b").get("experiment").get("name").asText()).isEqualTo("x");
    assertThat(calls).hasValue(1);
  }

  private static JsonNode graphql(ServerFixture server, String query) {
    ServerFixture.Answer a =
        server.post("/graphql", MAPPER.createObjectNode().put("query", query).toString());
    assertThat(a.status()).isEqualTo(200);
    return a.json();
  }
}
