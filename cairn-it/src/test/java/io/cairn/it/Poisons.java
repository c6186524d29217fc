package io.cairn.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Write requests aimed at the protected data that are invalid by construction: batches of valid new
 * rows with one bad row among them, batches over MLflow's limits, and single calls with a bad
 * field. Each must be refused as a whole, leaving the data exactly as it was.
 */
final class Poisons {
  private Poisons() {}

  private static JsonNode json(String text) {
    try {
      return Http.JSON.readTree(text.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static final String LONG_KEY = "k".repeat(251);

  static final List<JsonNode> METRICS =
      List.of(
          json("{'key': 'm', 'value': {'x': 1}, 'timestamp': 1}"),
          json("{'key': 'm', 'value': [1], 'timestamp': 1}"),
          json("{'key': 'm', 'value': true, 'timestamp': 1}"),
          json("{'key': 'm', 'value': 'abc', 'timestamp': 1}"),
          json("{'key': 'm', 'timestamp': 1}"),
          json("{'key': 'm', 'value': 1, 'timestamp': -1}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 'abc'}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1.5}"),
          json("{'key': 'm', 'value': 1}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1e30}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1, 'step': 'abc'}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1, 'step': 1.5}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1, 'step': 1e30}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1, 'step': '9223372036854775808'}"),
          json("{'key': 'm', 'value': 1, 'timestamp': 1, 'step': {}}"),
          json("{'key': '', 'value': 1, 'timestamp': 1}"),
          json("{'key': 'bad key!', 'value': 1, 'timestamp': 1}"),
          json("{'key': '" + LONG_KEY + "', 'value': 1, 'timestamp': 1}"),
          json("{'key': '../x', 'value': 1, 'timestamp': 1}"),
          json("{'key': '/abs', 'value': 1, 'timestamp': 1}"),
          json("{'key': 'a//b', 'value': 1, 'timestamp': 1}"),
          json("{'key': 'a\\u0000b', 'value': 1, 'timestamp': 1}"),
          json("{'value': 1, 'timestamp': 1}"),
          json("{'key': null, 'value': 1, 'timestamp': 1}"),
          json("{'key': {'a': 1}, 'value': 1, 'timestamp': 1}"));

  static final List<JsonNode> PARAMS =
      List.of(
          json("{'key': '', 'value': 'v'}"),
          json("{'key': 'bad key!', 'value': 'v'}"),
          json("{'key': '" + LONG_KEY + "', 'value': 'v'}"),
          json("{'key': '../x', 'value': 'v'}"),
          json("{'value': 'v'}"),
          json("{'key': 'p', 'value': '" + "v".repeat(6001) + "'}"),
          json("{'key': 'p', 'value': 'a\\u0000b'}"),
          json("{'key': 'p', 'value': {}}"),
          json("{'key': 'p', 'value': [1]}"),
          json("{'key': 'lr', 'value': '0.2'}"));

  static final List<JsonNode> TAGS =
      List.of(
          json("{'key': '', 'value': 'v'}"),
          json("{'key': 'bad key!', 'value': 'v'}"),
          json("{'key': '" + LONG_KEY + "', 'value': 'v'}"),
          json("{'key': 't', 'value': '" + "v".repeat(8001) + "'}"),
          json("{'key': 't', 'value': '\\u0000'}"),
          json("{'key': 't', 'value': {}}"));

  private static final String P = Endpoints.P;

  private static Endpoints.Endpoint endpoint(String method, String path) {
    return Endpoints.ALL.stream()
        .filter(e -> e.method().equals(method) && e.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(method + " " + path));
  }

  private static Draft draft(String method, String path, JsonNode fields) {
    return new Draft(endpoint(method, path), method, path, fields, null, "application/json", false);
  }

  private static ObjectNode fresh(String list) {
    return list.equals("metrics")
        ? (ObjectNode) json("{'key': 'fresh.$UNIQUE', 'value': 1, 'timestamp': 1, 'step': 0}")
        : (ObjectNode) json("{'key': 'fresh.$UNIQUE', 'value': 'v'}");
  }

  /** A log-batch of valid new rows in all three lists, with {@code poison} inserted in one. */
  static Draft batch(String list, JsonNode poison, int valid, int at) {
    ObjectNode o = (ObjectNode) json("{'run_id': '$RUN'}");
    for (String name : List.of("metrics", "params", "tags")) {
      ArrayNode a = o.putArray(name);
      for (int i = 0; i < valid; i++) {
        a.add(fresh(name));
      }
      if (name.equals(list)) {
        a.insert(at % (valid + 1), poison);
      }
    }
    return draft("POST", P + "/runs/log-batch", o);
  }

  /** Batches that break a limit: too many rows, or one param key twice. */
  static List<Draft> overLimit() {
    List<Draft> out = new ArrayList<>();
    int[][] sizes = {{1001, 0, 0}, {0, 101, 0}, {0, 0, 101}, {950, 0, 51}, {900, 100, 1}};
    for (int[] size : sizes) {
      ObjectNode o = (ObjectNode) json("{'run_id': '$RUN'}");
      String[] names = {"metrics", "params", "tags"};
      for (int l = 0; l < 3; l++) {
        ArrayNode a = o.putArray(names[l]);
        for (int i = 0; i < size[l]; i++) {
          a.add(fresh(names[l]));
        }
      }
      out.add(draft("POST", P + "/runs/log-batch", o));
    }
    out.add(
        draft(
            "POST",
            P + "/runs/log-batch",
            json(
                "{'run_id': '$RUN', 'params': [{'key': 'dup.$UNIQUE', 'value': 'a'}, {'key':"
                    + " 'dup', 'value': 'a'}, {'key': 'dup', 'value': 'b'}]}")));
    return out;
  }

  private static JsonNode with(String base, JsonNode row) {
    ObjectNode o = (ObjectNode) json(base);
    o.setAll((ObjectNode) row);
    return o;
  }

  /** Single calls with one bad field, against every kind of protected entity. */
  static List<Draft> singles() {
    List<Draft> out = new ArrayList<>();
    METRICS.forEach(
        m -> out.add(draft("POST", P + "/runs/log-metric", with("{'run_id': '$RUN'}", m))));
    PARAMS.forEach(
        p -> out.add(draft("POST", P + "/runs/log-parameter", with("{'run_id': '$RUN'}", p))));
    TAGS.forEach(t -> out.add(draft("POST", P + "/runs/set-tag", with("{'run_id': '$RUN'}", t))));
    String[][] calls = {
      {"POST", "/runs/update", "{'run_id': '$RUN', 'status': 'BOGUS'}"},
      {"POST", "/runs/update", "{'run_id': '$RUN', 'end_time': 'x'}"},
      {"POST", "/runs/update", "{'run_id': '$RUN', 'status': {}}"},
      {"POST", "/experiments/update", "{'experiment_id': '$EXP', 'new_name': ''}"},
      {
        "POST",
        "/experiments/update",
        "{'experiment_id': '$EXP', 'new_name': '" + "n".repeat(501) + "'}"
      },
      {"POST", "/experiments/update", "{'experiment_id': '$EXP', 'new_name': {}}"},
      {
        "POST",
        "/experiments/set-experiment-tag",
        "{'experiment_id': '$EXP', 'key': '', 'value': 'v'}"
      },
      {
        "POST",
        "/experiments/set-experiment-tag",
        "{'experiment_id': '$EXP', 'key': 'k\\u0000', 'value': 'v'}"
      },
      {
        "POST",
        "/experiments/set-experiment-tag",
        "{'experiment_id': '$EXP', 'key': 'k', 'value': '" + "v".repeat(20_001) + "'}"
      },
      {"POST", "/registered-models/rename", "{'name': '$MODEL', 'new_name': ''}"},
      {"POST", "/registered-models/rename", "{'name': '$MODEL', 'new_name': 'a/b'}"},
      {"PATCH", "/registered-models/update", "{'name': '$MODEL', 'description': {}}"},
      {"POST", "/registered-models/set-tag", "{'name': '$MODEL', 'key': '', 'value': 'v'}"},
      {"POST", "/registered-models/set-tag", "{'name': '$MODEL', 'key': 'k', 'value': 'a\\u0000'}"},
      {
        "POST",
        "/registered-models/alias",
        "{'name': '$MODEL', 'alias': 'latest', 'version': '$VERSION'}"
      },
      {
        "POST",
        "/registered-models/alias",
        "{'name': '$MODEL', 'alias': 'v1', 'version': '$VERSION'}"
      },
      {
        "POST",
        "/registered-models/alias",
        "{'name': '$MODEL', 'alias': 'bad alias!', 'version': '$VERSION'}"
      },
      {
        "POST",
        "/registered-models/alias",
        "{'name': '$MODEL', 'alias': 'champion', 'version': '999'}"
      },
      {
        "POST",
        "/registered-models/alias",
        "{'name': '$MODEL', 'alias': 'champion', 'version': 'abc'}"
      },
      {
        "PATCH",
        "/model-versions/update",
        "{'name': '$MODEL', 'version': '$VERSION', 'description': [1]}"
      },
      {
        "POST",
        "/model-versions/transition-stage",
        "{'name': '$MODEL', 'version': '$VERSION', 'stage': 'Bogus'}"
      },
      {
        "POST",
        "/model-versions/set-tag",
        "{'name': '$MODEL', 'version': '$VERSION', 'key': '', 'value': 'v'}"
      },
      {"PATCH", "/logged-models/{$LM}", "{'model_id': '$LM', 'status': 'BOGUS'}"},
      {
        "POST",
        "/runs/log-inputs",
        "{'run_id': '$RUN', 'datasets': [{'dataset': {'name': 'd', 'digest': '"
            + "x".repeat(37)
            + "', 'source_type': 'local', 'source': 's'}}]}"
      },
      {
        "POST",
        "/runs/outputs",
        "{'run_id': '$RUN', 'models': [{'model_id': 'm-00000000000000000000000000000000', 'step': 1}]}"
      },
    };
    for (String[] c : calls) {
      out.add(draft(c[0], P + c[1], json(c[2])));
    }
    for (JsonNode p : PARAMS) {
      // The run's "lr" change becomes the logged model's own "depth" change.
      String row =
          p.path("key").asText().equals("lr") ? "{'key': 'depth', 'value': '4'}" : p.toString();
      out.add(
          draft(
              "POST",
              P + "/logged-models/{$LM}/params",
              json("{'params': [{'key': 'fresh.$UNIQUE', 'value': 'v'}, " + row + "]}")));
    }
    for (JsonNode t : TAGS) {
      out.add(
          draft(
              "PATCH",
              P + "/logged-models/{$LM}/tags",
              json("{'tags': [{'key': 'fresh.$UNIQUE', 'value': 'v'}, " + t + "]}")));
    }
    return out;
  }

  static Arbitrary<Draft> any() {
    Arbitrary<Draft> batches =
        Combinators.combine(
                Arbitraries.of("metrics", "params", "tags"),
                Arbitraries.integers().between(0, 40),
                Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 4))
            .as(
                (list, pick, valid, at) -> {
                  List<JsonNode> rows =
                      list.equals("metrics") ? METRICS : list.equals("params") ? PARAMS : TAGS;
                  return batch(list, rows.get(pick % rows.size()), valid, at);
                });
    return Arbitraries.oneOf(batches, Arbitraries.of(singles()), Arbitraries.of(overLimit()));
  }
}
