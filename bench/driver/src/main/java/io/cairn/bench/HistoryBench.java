package io.cairn.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One metric with {@code points} points in one run (logged through log-batch, 1000 a request),
 * then read back whole with metrics/get-history paged as the MLflow client pages it
 * (max_results=25000 and page_token), and downsampled with metrics/get-history-bulk-interval.
 */
final class HistoryBench {
  static final String KEY = "loss";
  static final int PAGE = 25_000;

  private final Driver.Opts o;

  HistoryBench(Driver.Opts o) {
    this.o = o;
  }

  ObjectNode run() throws Exception {
    String url = o.required("url");
    int points = o.intOpt("points", 100_000);
    int threads = o.intOpt("threads", 8);
    int iterations = o.intOpt("iterations", 3);
    int bulkIterations = o.intOpt("bulk-iterations", 20);
    int bulkMax = o.intOpt("bulk-max-results", 1000);
    double timeoutS = o.doubleOpt("timeout", 600);
    Http http = new Http(url, Duration.ofSeconds(o.intOpt("request-timeout", 300)));
    ObjectNode out = Driver.JSON.createObjectNode();
    out.put("kind", "history");
    out.put("points_wanted", points);

    String exp = http.experiment("bench-history");
    String runId = http.createRun(exp, "history", Ingest.BASE_TS);
    out.put("run_id", runId);

    // Load: batches of 1000 consecutive steps, several clients.
    int batches = (points + 999) / 1000;
    AtomicInteger next = new AtomicInteger();
    AtomicLong loaded = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (timeoutS * 1e9);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                while (System.nanoTime() < deadline && errors.get() < 20) {
                  int b = next.getAndIncrement();
                  if (b >= batches) {
                    return;
                  }
                  long from = b * 1000L;
                  long to = Math.min(points, from + 1000);
                  StringBuilder sb = new StringBuilder(80_000);
                  sb.append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
                  for (long s = from; s < to; s++) {
                    if (s > from) {
                      sb.append(',');
                    }
                    sb.append("{\"key\":\"" + KEY + "\",\"value\":")
                        .append(1.0 / (1 + s) + (s % 17) * 0.001)
                        .append(",\"timestamp\":")
                        .append(Ingest.BASE_TS + s)
                        .append(",\"step\":")
                        .append(s)
                        .append('}');
                  }
                  sb.append("]}");
                  try {
                    Http.Resp r = http.post("runs/log-batch", sb.toString());
                    if (!r.ok()) {
                      throw new Http.Failure("POST runs/log-batch", r.status(), r.body());
                    }
                    loaded.addAndGet(to - from);
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                  }
                }
              },
              "history-load-" + t);
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    double loadS = (System.nanoTime() - t0) / 1e9;
    out.put("points_loaded", loaded.get());
    out.put("load_seconds", Math.round(loadS * 10) / 10.0);
    out.put("load_points_per_s", loaded.get() / loadS);
    out.put("load_errors", errors.get());
    if (firstError.get() != null) {
      out.put("load_first_error", Driver.shorten(firstError.get(), 400));
    }
    Driver.log("history: loaded %d of %d points in %.1f s", loaded.get(), points, loadS);
    Settle.database(o.str("settle-jdbc", null));

    // Full history, paged.
    long readDeadline = System.nanoTime() + (long) (timeoutS * 1e9);
    Stats full = new Stats();
    long lastCount = -1;
    int pages = 0;
    String fullError = null;
    int maxPages = points / PAGE + 10;
    for (int it = 0; it < iterations + 1 && System.nanoTime() < readDeadline; it++) {
      long s = System.nanoTime();
      long count = 0;
      String token = null;
      pages = 0;
      try {
        do {
          String q = "metrics/get-history?run_id=" + runId + "&metric_key=" + KEY
              + "&max_results=" + PAGE + (token == null ? "" : "&page_token=" + Http.enc(token));
          Http.Counted r = http.getCounted(q, "metrics", "next_page_token");
          count += r.count();
          token = r.token();
          pages++;
        } while (!token.isEmpty() && pages < maxPages && System.nanoTime() < readDeadline);
      } catch (Http.Failure f) {
        fullError = f.getMessage();
        break;
      }
      if (it > 0) { // the first read is a warm-up
        full.add(System.nanoTime() - s);
      }
      lastCount = count;
    }
    out.put("full_points_read", lastCount);
    out.put("full_pages", pages);
    out.put("full_correct", lastCount == loaded.get());
    full.put(out, "full_");
    if (fullError != null) {
      out.put("full_error", Driver.shorten(fullError, 300));
    }

    // Downsampled.
    Stats bulk = new Stats();
    long bulkPoints = -1;
    String bulkError = null;
    String q = "metrics/get-history-bulk-interval?run_ids=" + runId + "&metric_key=" + KEY
        + "&max_results=" + bulkMax;
    for (int it = 0; it < bulkIterations + 2 && System.nanoTime() < readDeadline; it++) {
      Http.Resp r = http.get(q);
      if (!r.ok()) {
        bulkError = new Http.Failure("GET metrics/get-history-bulk-interval", r.status(),
            r.body()).getMessage();
        break;
      }
      if (it >= 2) {
        bulk.add(r.nanos());
      }
      bulkPoints = Driver.JSON.readTree(r.body()).path("metrics").size();
    }
    out.put("bulk_max_results", bulkMax);
    out.put("bulk_points_returned", bulkPoints);
    bulk.put(out, "bulk_");
    if (bulkError != null) {
      out.put("bulk_error", Driver.shorten(bulkError, 300));
    }
    Driver.log("history: full p50 %s ms (%d points, %d pages), bulk-interval p50 %s ms (%d points)",
        out.path("full_p50_ms"), lastCount, pages, out.path("bulk_p50_ms"), bulkPoints);
    return out;
  }
}
