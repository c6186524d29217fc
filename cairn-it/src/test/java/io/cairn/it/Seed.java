package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A complete set of MLflow entities made through the API: an experiment with a tag, a run with
 * metrics (NaN and infinities among them), params and tags, a logged model, a registered model with
 * a version, an alias and tags, and an artifact. The suite makes a protected set that no request
 * may change and sacrificial sets that requests aim at.
 */
record Seed(
    String experimentId,
    String experimentName,
    String runId,
    String loggedModelId,
    String modelName,
    String version,
    String artifactPath) {
  private static final AtomicLong UNIQUE = new AtomicLong();

  static String unique() {
    return "u" + UNIQUE.incrementAndGet();
  }

  static Seed create(Http http, String label) {
    String name = label + "-" + unique();
    String exp =
        Http.ok(
                http.post(
                    Endpoints.P + "/experiments/create",
                    json("{'name': '%s', 'tags': [{'key': 'team', 'value': 'x'}]}", name)))
            .get("experiment_id")
            .asText();
    String run =
        Http.ok(
                http.post(
                    Endpoints.P + "/runs/create",
                    json("{'experiment_id': '%s', 'run_name': 'seed', 'start_time': 1}", exp)))
            .at("/run/info/run_id")
            .asText();
    Http.ok(
        http.post(
            Endpoints.P + "/runs/log-batch",
            json(
                "{'run_id': '%s', 'metrics': [{'key': 'loss', 'value': 0.5, 'timestamp': 1, 'step':"
                    + " 0}, {'key': 'loss', 'value': 0.25, 'timestamp': 2, 'step': 1}, {'key':"
                    + " 'odd', 'value': 'NaN', 'timestamp': 3, 'step': -5}, {'key': 'odd', 'value':"
                    + " '-Infinity', 'timestamp': 4, 'step': 9000000000000000000}], 'params':"
                    + " [{'key': 'lr', 'value': '0.1'}], 'tags': [{'key': 'stage', 'value':"
                    + " 'seed'}]}",
                run)));
    String lm =
        Http.ok(
                http.post(
                    Endpoints.P + "/logged-models",
                    json(
                        "{'experiment_id': '%s', 'name': 'model', 'source_run_id': '%s', 'params':"
                            + " [{'key': 'depth', 'value': '3'}], 'tags': [{'key': 'k', 'value':"
                            + " 'v'}]}",
                        exp, run)))
            .at("/model/info/model_id")
            .asText();
    String model = label + "-model-" + unique();
    Http.ok(
        http.post(
            Endpoints.P + "/registered-models/create",
            json("{'name': '%s', 'tags': [{'key': 'owner', 'value': 'x'}]}", model)));
    String version =
        Http.ok(
                http.post(
                    Endpoints.P + "/model-versions/create",
                    json(
                        "{'name': '%s', 'source': 'mlflow-artifacts:/%s/model', 'run_id': '%s'}",
                        model, exp, run)))
            .at("/model_version/version")
            .asText();
    Http.ok(
        http.post(
            Endpoints.P + "/registered-models/alias",
            json("{'name': '%s', 'alias': 'champion', 'version': '%s'}", model, version)));
    String artifact = exp + "/" + run + "/artifacts/seed.bin";
    Http.ok(
        http.put(
            Endpoints.A + "/artifacts/" + artifact,
            ("seed " + name).getBytes(StandardCharsets.UTF_8)));
    return new Seed(exp, name, run, lm, model, version, artifact);
  }

  private static String json(String template, Object... args) {
    return String.format(template, args).replace('\'', '"');
  }

  /** Fills in the placeholders of a request with this set's names. */
  String fill(String text) {
    if (text.indexOf('$') < 0) {
      return text;
    }
    return text.replace("$EXPNAME", experimentName)
        .replace("$EXP", experimentId)
        .replace("$RUN", runId)
        .replace("$LM", loggedModelId)
        .replace("$MODEL", modelName)
        .replace("$VERSION", version)
        .replace("$UNIQUE", unique());
  }

  /** Everything the API shows of this set, to compare before and after. */
  JsonNode snapshot(Http http) {
    ObjectNode o = Http.JSON.createObjectNode();
    o.set("experiment", Http.ok(http.get(q("/experiments/get?experiment_id=", experimentId))));
    o.set("run", Http.ok(http.get(q("/runs/get?run_id=", runId))));
    for (String key : new String[] {"loss", "odd"}) {
      o.set(
          "history-" + key,
          Http.ok(http.get(q("/metrics/get-history?run_id=", runId) + "&metric_key=" + key)));
    }
    o.set(
        "logged-model",
        Http.ok(http.get(Endpoints.P + "/logged-models/" + loggedModelId + "?allow_deleted=true")));
    o.set("model", Http.ok(http.get(q("/registered-models/get?name=", modelName))));
    o.set(
        "version",
        Http.ok(http.get(q("/model-versions/get?name=", modelName) + "&version=" + version)));
    o.set(
        "alias",
        Http.ok(http.get(q("/registered-models/alias?name=", modelName) + "&alias=champion")));
    o.set(
        "artifacts",
        Http.ok(
            http.get(
                Endpoints.A
                    + "/artifacts?path="
                    + Http.enc(experimentId + "/" + runId + "/artifacts"))));
    byte[] bytes =
        http.send(http.request(Endpoints.A + "/artifacts/" + artifactPath).GET().build()).bytes();
    o.put("artifact-sha256", sha256(bytes));
    return o;
  }

  private static String q(String path, String value) {
    return Endpoints.P + path + Http.enc(value);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
