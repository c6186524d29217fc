package io.cairn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads the search data set through the API: for each run, runs/create then one runs/log-batch
 * with its 20 params, 10 metrics and 5 tags. Stops at {@code runs}, at the time limit, or after
 * too many errors, and says how far it got.
 */
final class LoadRuns {
  private final Driver.Opts o;

  LoadRuns(Driver.Opts o) {
    this.o = o;
  }

  ObjectNode run() throws Exception {
    String url = o.required("url");
    int runs = o.intOpt("runs", 2000);
    int threads = o.intOpt("threads", 8);
    double timeoutS = o.doubleOpt("timeout", 600);
    Http http = new Http(url, Duration.ofSeconds(o.intOpt("request-timeout", 120)));
    String exp = http.experiment(SearchData.EXPERIMENT);

    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (timeoutS * 1e9);
    Driver.log("load: %d runs with %d threads (limit %.0f s)", runs, threads, timeoutS);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th =
          new Thread(
              () -> {
                while (System.nanoTime() < deadline && errors.get() < 20) {
                  int i = next.getAndIncrement();
                  if (i >= runs) {
                    return;
                  }
                  try {
                    String id = http.createRun(exp, SearchData.name(i), SearchData.startTime(i));
                    Http.Resp r = http.post("runs/log-batch", SearchData.logBatchBody(id, i));
                    if (!r.ok()) {
                      throw new Http.Failure("POST runs/log-batch", r.status(), r.body());
                    }
                    int d = done.incrementAndGet();
                    if (d % 10_000 == 0) {
                      Driver.log("load: %d runs, %.0f s", d, (System.nanoTime() - t0) / 1e9);
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, e.toString());
                  }
                }
              },
              "load-" + t);
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    ObjectNode out = Driver.JSON.createObjectNode();
    out.put("kind", "load");
    out.put("experiment_id", exp);
    out.put("runs_wanted", runs);
    out.put("runs_loaded", done.get());
    out.put("complete", done.get() == runs && errors.get() == 0);
    out.put("seconds", Math.round(secs * 10) / 10.0);
    out.put("runs_per_s", done.get() / secs);
    out.put("errors", errors.get());
    if (firstError.get() != null) {
      out.put("first_error", Driver.shorten(firstError.get(), 400));
    }
    if (done.get() < runs) {
      out.put(
          "note",
          errors.get() >= 20
              ? "stopped after 20 errors"
              : String.format("time limit of %.0f s reached", timeoutS));
    }
    Driver.log("load: %d of %d runs in %.1f s (%.0f runs/s), %d errors", done.get(), runs, secs,
        done.get() / secs, errors.get());
    return out;
  }
}
