package io.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * runs/search over the search data set with a metric filter and an order_by on a metric, one
 * client, first page and tenth page (reached with the page tokens the server issued). Each page
 * is checked against the order the data set must come back in.
 */
final class SearchBench {
  private final Driver.Opts o;

  SearchBench(Driver.Opts o) {
    this.o = o;
  }

  private static String body(String exp, int pageSize, String token) {
    return "{\"experiment_ids\":["
        + Http.str(exp)
        + "],\"filter\":"
        + Http.str(SearchData.FILTER)
        + ",\"order_by\":["
        + Http.str(SearchData.ORDER_BY)
        + "],\"run_view_type\":\"ACTIVE_ONLY\",\"max_results\":"
        + pageSize
        + (token == null ? "" : ",\"page_token\":" + Http.str(token))
        + "}";
  }

  private static List<String> names(JsonNode resp) {
    List<String> out = new ArrayList<>();
    for (JsonNode run : resp.path("runs")) {
      String n = run.path("info").path("run_name").asText("");
      if (n.isEmpty()) {
        for (JsonNode tag : run.path("data").path("tags")) {
          if (tag.path("key").asText().equals("mlflow.runName")) {
            n = tag.path("value").asText();
          }
        }
      }
      out.add(n);
    }
    return out;
  }

  ObjectNode run() throws Exception {
    String url = o.required("url");
    int runs = o.intOpt("runs", 2000);
    boolean complete = Boolean.parseBoolean(o.str("complete", "true"));
    int pageSize = o.intOpt("page-size", 100);
    int iterations = o.intOpt("iterations", 30);
    double timeoutS = o.doubleOpt("timeout", 300);
    Http http = new Http(url, Duration.ofSeconds(o.intOpt("request-timeout", 300)));
    JsonNode e =
        http.getOk("experiments/get-by-name?experiment_name=" + Http.enc(SearchData.EXPERIMENT));
    String exp = e.path("experiment").path("experiment_id").asText();

    ObjectNode out = Driver.JSON.createObjectNode();
    out.put("kind", "search");
    out.put("filter", SearchData.FILTER);
    out.put("order_by", SearchData.ORDER_BY);
    out.put("page_size", pageSize);

    // Walk to page 10 once, keeping the token that opens it, and check pages 1 and 10.
    List<String> expected = complete ? SearchData.expectedOrder(runs) : null;
    String token = null;
    String page10Token = null;
    List<String> problems = new ArrayList<>();
    boolean page10Exists = false;
    for (int page = 1; page <= 10; page++) {
      JsonNode r = http.postOk("runs/search", body(exp, pageSize, token));
      List<String> got = names(r);
      if (expected != null && (page == 1 || page == 10)) {
        int from = (page - 1) * pageSize;
        List<String> want =
            expected.subList(Math.min(from, expected.size()),
                Math.min(from + pageSize, expected.size()));
        if (!got.equals(want)) {
          problems.add(String.format("page %d: %d runs, first %s; expected %d, first %s", page,
              got.size(), got.isEmpty() ? "-" : got.get(0), want.size(),
              want.isEmpty() ? "-" : want.get(0)));
        }
      }
      if (page == 10) {
        page10Exists = !got.isEmpty();
        break;
      }
      token = r.path("next_page_token").asText("");
      if (token.isEmpty()) {
        // Right when the data set has no more pages; a fault when it has.
        if (expected == null || expected.size() > page * pageSize) {
          problems.add("no page token after page " + page);
        } else {
          out.put("pages", page);
        }
        break;
      }
      if (page == 9) {
        page10Token = token;
      }
    }
    out.put("checked", expected != null);
    out.put("correct", expected != null && problems.isEmpty());
    if (!problems.isEmpty()) {
      out.put("problems", String.join("; ", problems));
    }
    out.put("matching_runs", expected == null ? -1 : expected.size());

    timeSeries(http, body(exp, pageSize, null), iterations, timeoutS, out, "page1_");
    if (page10Token != null && page10Exists) {
      timeSeries(http, body(exp, pageSize, page10Token), iterations, timeoutS, out, "page10_");
    }
    Driver.log("search: page 1 p50 %s ms, page 10 p50 %s ms%s", out.path("page1_p50_ms"),
        out.path("page10_p50_ms"), problems.isEmpty() ? "" : " (" + problems + ")");
    return out;
  }

  /** A few warm-up requests, then up to {@code iterations} timed ones within {@code timeoutS}. */
  private static void timeSeries(
      Http http, String body, int iterations, double timeoutS, ObjectNode out, String prefix)
      throws Exception {
    long deadline = System.nanoTime() + (long) (timeoutS * 1e9);
    for (int i = 0; i < 3 && System.nanoTime() < deadline; i++) {
      Http.Resp r = http.post("runs/search", body);
      if (!r.ok()) {
        throw new Http.Failure("POST runs/search", r.status(), r.body());
      }
    }
    Stats s = new Stats();
    for (int i = 0; i < iterations && System.nanoTime() < deadline; i++) {
      Http.Resp r = http.post("runs/search", body);
      if (!r.ok()) {
        throw new Http.Failure("POST runs/search", r.status(), r.body());
      }
      s.add(r.nanos());
    }
    s.put(out, prefix);
  }
}
