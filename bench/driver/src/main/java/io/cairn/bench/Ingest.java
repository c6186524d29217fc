package io.cairn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * Ingest over HTTP: {@code threads} clients, each logging to a run of its own through
 * {@code runs/log-batch}, {@code batch} metric points a request (10 keys x batch/10 steps).
 */
final class Ingest {
  static final int KEYS = 10;
  static final long BASE_TS = 1_700_000_000_000L;

  private final Driver.Opts o;

  Ingest(Driver.Opts o) {
    this.o = o;
  }

  /** The points of batch {@code b}: keys m0..m9, each over the batch's own step range. */
  static int stepsPerBatch(int batch) {
    return Math.max(1, batch / KEYS);
  }

  static double value(int key, long step) {
    return ((step * 31 + key * 7) % 1000) / 1000.0 + key;
  }

  static String body(String runId, long b, int batch) {
    int steps = stepsPerBatch(batch);
    StringBuilder sb = new StringBuilder(batch * 72 + 64);
    sb.append("{\"run_id\":\"").append(runId).append("\",\"metrics\":[");
    long first = b * steps;
    boolean comma = false;
    for (int k = 0; k < KEYS; k++) {
      for (int s = 0; s < steps; s++) {
        long step = first + s;
        if (comma) {
          sb.append(',');
        }
        comma = true;
        sb.append("{\"key\":\"m")
            .append(k)
            .append("\",\"value\":")
            .append(value(k, step))
            .append(",\"timestamp\":")
            .append(BASE_TS + step)
            .append(",\"step\":")
            .append(step)
            .append('}');
      }
    }
    return sb.append("]}").toString();
  }

  ObjectNode run() throws Exception {
    String url = o.required("url");
    int threads = o.intOpt("threads", 8);
    int batch = o.intOpt("batch", 1000);
    double warmup = o.doubleOpt("warmup", 3);
    double seconds = o.doubleOpt("seconds", 10);
    long maxRequests = o.longOpt("max-requests", 1_000_000);
    long pid = o.longOpt("pid", -1);
    Http http = new Http(url, Duration.ofSeconds(o.intOpt("request-timeout", 120)));

    String exp = http.experiment("bench-ingest-" + System.currentTimeMillis());
    TimedLoad load = new TimedLoad();
    Driver.log("ingest: %d threads x %d points/request, %.0f s warm-up + %.0f s", threads, batch,
        warmup, seconds);
    Rss.Sampler rss;
    try (Rss.Sampler s = new Rss.Sampler(pid, 250)) {
      rss = s;
      load.run(
          threads,
          warmup,
          seconds,
          maxRequests,
          t -> {
            String runId = http.createRun(exp, "ingest-" + t, BASE_TS);
            return i -> {
              Http.Resp r = http.post("runs/log-batch", body(runId, i, batch));
              if (!r.ok()) {
                throw new Http.Failure("POST runs/log-batch", r.status(), r.body());
              }
              return stepsPerBatch(batch) * KEYS;
            };
          });
    }
    ObjectNode out = Driver.JSON.createObjectNode();
    out.put("kind", "ingest");
    out.put("threads", threads);
    out.put("batch", stepsPerBatch(batch) * KEYS);
    load.put(out);
    if (pid > 0) {
      out.put("rss_load_max_mb", Math.round(rss.maxMb() * 10) / 10.0);
      out.put("rss_load_mean_mb", Math.round(rss.meanMb() * 10) / 10.0);
    }
    Driver.log("ingest: %.0f points/s, %d errors", out.path("points_per_s").asDouble(),
        load.errors.get());
    return out;
  }
}
