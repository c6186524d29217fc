package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.lifecycle.BeforeTry;

/**
 * Bad input never breaks the server: every endpoint, sent mutated requests (missing fields, wrong
 * types, huge, empty, control, NUL and non-BMP strings, broken JSON, odd content types, other
 * methods, hostile path segments), page tokens it never issued and bodies over the configured
 * limit, answers below 500 with MLflow's error JSON, the same on SQLite and PostgreSQL; and the
 * protected data seeded at the start reads back unchanged after every property.
 */
class BadInputIT {
  private static Backends backends;
  private static final Map<String, Integer> ANSWERS = new TreeMap<>();
  private static int tries;

  @BeforeContainer
  static void start() {
    backends = new Backends();
  }

  @AfterContainer
  static void stop() {
    System.out.println("bad-input answers (all backends): " + ANSWERS);
    backends.close();
  }

  @BeforeTry
  void renewSacrificialDataNowAndThen() {
    if (++tries % 40 == 0) {
      backends.renewTargets();
    }
  }

  @AfterProperty
  void protectedDataIsUnchanged() {
    for (Backend b : backends.all) {
      assertThat(b.guardedNow()).as(b.name + " protected data").isEqualTo(b.guardedSnapshot);
    }
  }

  /** Sends a draft to every backend; checks each answer and that the backends agree. */
  static List<String> sendEverywhere(Draft d) {
    List<String> codes = new ArrayList<>();
    List<Integer> statuses = new ArrayList<>();
    for (Backend b : backends.all) {
      Probe p = b.aim(d);
      Http.Answer a = p.send(b.http);
      boolean bytes =
          p.method().equals("GET") && p.pathAndQuery().startsWith(Endpoints.A + "/artifacts/");
      boolean mpu = p.pathAndQuery().contains("/mpu/") || p.pathAndQuery().contains("/presigned/");
      codes.add(p.assertWellBehaved(a, mpu, bytes));
      statuses.add(a.status());
      ANSWERS.merge(
          a.status() < 400 ? "2xx" : a.status() + " " + codes.get(codes.size() - 1),
          1,
          Integer::sum);
      assertThat(a.status())
          .as("%s answers %s as %s did: %s", b.name, p, backends.all.get(0).name, statuses)
          .isEqualTo(statuses.get(0));
    }
    return codes;
  }

  @Property(tries = 800, edgeCases = EdgeCasesMode.NONE, seed = Seeds.FIXED)
  void anyEndpoint_hostileRequest_answersBelow500WithMlflowErrors(@ForAll("drafts") Draft d) {
    sendEverywhere(d);
  }

  /**
   * A valid request of any endpoint, with something a hostile page adds: refused (400 or 403 with
   * MLflow's error JSON) before the endpoint runs, on every backend.
   */
  @Property(tries = 300, seed = Seeds.FIXED)
  void anyEndpoint_crossSiteOrForeignHost_isRefusedBeforeItRuns(
      @ForAll("templates") Endpoints.Endpoint e, @ForAll("attacks") WebAttack w) {
    for (Backend b : backends.all) {
      Probe p =
          new Draft(e, e.method(), e.path(), e.template(), null, "application/json", false)
              .aim(b.target(), b.guarded);
      if (!w.refusable(p.method())
          || (w.kind() == WebAttack.Kind.SIMPLE_TYPE
              && (p.body() == null || e.carrier() == Endpoints.Carrier.BYTES))) {
        continue;
      }
      Http.Answer a = b.http.send(w.apply(p, b.http));
      String code = p.assertWellBehaved(a, false, false);
      assertThat(a.status()).as("%s: %s with %s -> %s", b.name, p, w, a.body()).isIn(400, 403);
      assertThat(code).isIn("BAD_REQUEST", "INVALID_PARAMETER_VALUE", "PERMISSION_DENIED");
      ANSWERS.merge(a.status() + " " + w.kind(), 1, Integer::sum);
    }
  }

  @Provide
  Arbitrary<Endpoints.Endpoint> templates() {
    return Arbitraries.of(Endpoints.ALL);
  }

  @Provide
  Arbitrary<WebAttack> attacks() {
    return WebAttack.any();
  }

  @Provide
  Arbitrary<Draft> drafts() {
    return Drafts.any();
  }

  @Property(tries = 200, seed = Seeds.FIXED)
  void pageTokensNeverIssued_areInvalidParameterValueOrAPage(
      @ForAll("pagedEndpoints") Endpoints.Endpoint e, @ForAll("tokens") String token) {
    ObjectNode fields = e.template().deepCopy();
    fields.put("page_token", token);
    Draft d = new Draft(e, e.method(), e.path(), fields, null, "application/json", false);
    for (String code : sendEverywhere(d)) {
      if (code != null) {
        assertThat(code).isIn("INVALID_PARAMETER_VALUE", "RESOURCE_DOES_NOT_EXIST");
      }
    }
  }

  @Provide
  Arbitrary<Endpoints.Endpoint> pagedEndpoints() {
    return Arbitraries.of(Endpoints.paged());
  }

  @Provide
  Arbitrary<String> tokens() {
    Arbitrary<String> offsets =
        Arbitraries.of(
            "{\"offset\": -1}",
            "{\"offset\": 1e30}",
            "{\"offset\": \"x\"}",
            "{\"offset\": 99999999999999999999}",
            "{\"offset\": 999999999999999}",
            "{\"offset\": 2147483648}",
            "{\"offset\": 0.5}",
            "{\"offset\": 100}",
            "{\"offset\": 5, \"more\": 1}",
            "{}",
            "[]");
    return Arbitraries.frequencyOf(
        Tuple.of(2, Nasty.strings()),
        Tuple.of(2, offsets.map(BadInputIT::base64)),
        Tuple.of(1, Nasty.strings().map(BadInputIT::base64)),
        Tuple.of(1, offsets.map(s -> base64(s).replace('=', '.'))));
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 60, seed = Seeds.FIXED)
  void oversizedBodies_areRefusedNamingTheLimit(
      @ForAll("limitedEndpoints") Endpoints.Endpoint e,
      @ForAll @IntRange(min = 1, max = 3 * Backends.LIMIT) int over,
      @ForAll boolean chunked) {
    for (Backend b : backends.all) {
      Probe p = padded(b, e, Backends.LIMIT + over, chunked);
      Http.Answer a = p.send(b.http);
      String code = p.assertWellBehaved(a, false, false);
      assertThat(code).as("%s: %s", b.name, p).isEqualTo("INVALID_PARAMETER_VALUE");
      assertThat(a.json().get("message").asText()).contains("limit");
    }
  }

  @Provide
  Arbitrary<Endpoints.Endpoint> limitedEndpoints() {
    return Arbitraries.of(
        Endpoints.withJsonBody().stream()
            .filter(e -> e.path().startsWith(Endpoints.P + "/"))
            .toList());
  }

  /** The endpoint's valid request for the sacrificial data, padded to exactly {@code size}. */
  private static Probe padded(Backend b, Endpoints.Endpoint e, int size, boolean chunked) {
    Probe valid =
        new Draft(e, e.method(), e.path(), e.template(), null, "application/json", false)
            .aim(b.target(), b.guarded);
    String json = new String(valid.body(), StandardCharsets.UTF_8);
    String open = "{\"pad\": \"";
    String close = "\", " + json.substring(1);
    int fill = size - open.length() - close.length();
    byte[] body = (open + "x".repeat(Math.max(0, fill)) + close).getBytes(StandardCharsets.UTF_8);
    return new Probe(e.method(), valid.pathAndQuery(), body, "application/json", chunked);
  }

  @Example
  void bodyOfExactlyTheLimit_isAccepted() {
    Endpoints.Endpoint logBatch =
        Endpoints.ALL.stream()
            .filter(e -> e.path().endsWith("/runs/log-batch"))
            .findFirst()
            .orElseThrow();
    for (Backend b : backends.all) {
      for (boolean chunked : new boolean[] {false, true}) {
        Probe p = padded(b, logBatch, Backends.LIMIT, chunked);
        assertThat(p.body()).hasSize(Backends.LIMIT);
        Http.Answer a = p.send(b.http);
        assertThat(a.status()).as("%s: %s -> %s", b.name, p, a.body()).isEqualTo(200);
      }
    }
  }

  @Example
  void everyRouteTheServerRegisters_isInTheCatalogue() {
    Path sources = Path.of("..", "cairn-server", "src", "main", "java", "io", "cairn", "server");
    assertThat(Endpoints.routesMissingFromCatalogue(sources.resolve("mlflow"))).isEmpty();
  }

  @Example
  void everyCatalogueEndpoint_existsAndAcceptsItsTemplate() {
    for (Endpoints.Endpoint e : Endpoints.ALL) {
      for (Backend b : backends.all) {
        Draft d = new Draft(e, e.method(), e.path(), e.template(), null, "application/json", false);
        Probe p = b.aim(d);
        Http.Answer a = p.send(b.http);
        p.assertWellBehaved(a, e.mayAnswerNotImplemented(), e.answersBytes());
        assertThat(a.body()).as("%s: %s", b.name, p).doesNotContain("ENDPOINT_NOT_FOUND");
      }
    }
  }

  /**
   * Lone UTF-16 surrogates can only arrive as JSON escapes (a client library turns them into '?'
   * when it encodes UTF-8), so they are sent as text; PostgreSQL cannot store them.
   */
  @Example
  void loneSurrogateEscapes_inStoredFields_answerBelow500() {
    String[][] cases = {
      {"/experiments/create", "{'name': 'a\\ud800b'}"},
      {
        "/experiments/set-experiment-tag",
        "{'experiment_id': '$EXP', 'key': 'k', 'value': '\\udfff'}"
      },
      {"/runs/create", "{'experiment_id': '$EXP', 'run_name': '\\ud83d'}"},
      {"/runs/set-tag", "{'run_id': '$RUN', 'key': 'k', 'value': 'x\\ud800'}"},
      {"/runs/log-parameter", "{'run_id': '$RUN', 'key': 'p$UNIQUE', 'value': '\\ude00'}"},
      {"/runs/log-batch", "{'run_id': '$RUN', 'tags': [{'key': 'k', 'value': '\\ud800\\ud800'}]}"},
      {"/registered-models/create", "{'name': 'm\\ud800'}"},
      {"/registered-models/set-tag", "{'name': '$MODEL', 'key': 'k', 'value': '\\udbff'}"},
      {"/logged-models", "{'experiment_id': '$EXP', 'name': '\\ud800'}"},
    };
    for (Backend b : backends.all) {
      for (String[] c : cases) {
        byte[] body = b.target().fill(c[1].replace('\'', '"')).getBytes(StandardCharsets.UTF_8);
        Probe p = new Probe("POST", Endpoints.P + c[0], body, "application/json", false);
        p.assertWellBehaved(p.send(b.http), false, false);
      }
    }
  }
}
