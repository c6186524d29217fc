package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One run as the server returns it: params, tags, and the full history of m0..m49. */
record StoredRun(
    Map<String, String> params, Map<String, String> tags, List<Map<Long, JsonNode>> history) {
  static StoredRun read(Http server, String runId, List<String> problems) {
    JsonNode run = Http.ok(server.get("/api/2.0/mlflow/runs/get?run_id=" + runId)).get("run");
    Map<String, String> params = new HashMap<>();
    run.at("/data/params").forEach(p -> params.put(p.get("key").asText(), p.get("value").asText()));
    Map<String, String> tags = new HashMap<>();
    run.at("/data/tags").forEach(t -> tags.put(t.get("key").asText(), t.get("value").asText()));
    List<Map<Long, JsonNode>> history = new ArrayList<>();
    for (int i = 0; i < BatchLoad.METRICS; i++) {
      Map<Long, JsonNode> points = new HashMap<>();
      String token = null;
      do {
        JsonNode page =
            Http.ok(
                server.get(
                    "/api/2.0/mlflow/metrics/get-history?run_id="
                        + runId
                        + "&metric_key=m"
                        + i
                        + "&max_results=25000"
                        + (token == null ? "" : "&page_token=" + Http.enc(token))));
        for (JsonNode m : page.path("metrics")) {
          if (points.put(m.get("step").asLong(), m) != null) {
            problems.add("run " + runId + " m" + i + ": two points at step " + m.get("step"));
          }
        }
        token = page.hasNonNull("next_page_token") ? page.get("next_page_token").asText() : null;
      } while (token != null);
      history.add(points);
    }
    return new StoredRun(params, tags, history);
  }

  /** Rows found per batch; wrong values and rows of batches never sent are problems. */
  int[] rowsPerBatch(int client, int batches, List<String> problems) {
    int[] found = new int[batches];
    for (int i = 0; i < BatchLoad.METRICS; i++) {
      for (Map.Entry<Long, JsonNode> e : history.get(i).entrySet()) {
        long b = e.getKey();
        JsonNode m = e.getValue();
        if (b < 0 || b >= batches) {
          problems.add("client " + client + ": metric m" + i + " at step " + b + " never sent");
        } else if (m.get("value").asDouble() != BatchLoad.value(client, (int) b, i)
            || m.get("timestamp").asLong() != BatchLoad.timestamp((int) b, i)) {
          problems.add("client " + client + ": metric m" + i + " step " + b + " is " + m);
        } else {
          found[(int) b]++;
        }
      }
    }
    count(params, "p.", client, batches, found, problems, BatchLoad::paramValue);
    count(tags, "t.", client, batches, found, problems, BatchLoad::tagValue);
    return found;
  }

  private interface Expected {
    String value(int client, int batch, int i);
  }

  private static void count(
      Map<String, String> rows,
      String prefix,
      int client,
      int batches,
      int[] found,
      List<String> problems,
      Expected expected) {
    for (Map.Entry<String, String> e : rows.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue; // e.g. the mlflow.runName tag
      }
      String[] parts = e.getKey().split("\\.");
      int b = Integer.parseInt(parts[1]);
      int i = Integer.parseInt(parts[2]);
      if (b >= batches) {
        problems.add("client " + client + ": " + e.getKey() + " never sent");
      } else if (!e.getValue().equals(expected.value(client, b, i))) {
        problems.add("client " + client + ": " + e.getKey() + " = " + e.getValue());
      } else {
        found[b]++;
      }
    }
  }
}
