package io.cairn.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@code threads} workers, each sending batches back to back for a warm-up and then a
 * measured window. A batch counts when it completes inside the window; workers stop starting
 * batches at the window's end, after {@code maxRequests} batches in all, or after too many errors.
 * Requests still in flight at the window's end finish (within the request timeout) uncounted.
 */
final class TimedLoad {
  /** One worker's batches; {@code send} returns the number of points the server acknowledged. */
  interface Worker {
    int send(long batchIndex) throws Exception;
  }

  interface WorkerFactory {
    Worker create(int thread) throws Exception;
  }

  static final int MAX_ERRORS = 100;

  final AtomicLong points = new AtomicLong();
  final AtomicLong batches = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong started = new AtomicLong();
  final AtomicReference<String> firstError = new AtomicReference<>();
  final Stats latency = new Stats();
  double measuredSeconds;

  void run(int threads, double warmupS, double seconds, long maxRequests, WorkerFactory factory)
      throws Exception {
    List<Worker> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(factory.create(t));
    }
    long t0 = System.nanoTime();
    long measureFrom = t0 + (long) (warmupS * 1e9);
    long measureTo = measureFrom + (long) (seconds * 1e9);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Worker w = workers.get(t);
      Thread th =
          new Thread(
              () -> {
                long i = 0;
                while (System.nanoTime() < measureTo
                    && errors.get() < MAX_ERRORS
                    && started.incrementAndGet() <= maxRequests) {
                  long s = System.nanoTime();
                  try {
                    int n = w.send(i++);
                    long e = System.nanoTime();
                    // Completions in the window count, wherever they started: in a steady
                    // state that is the throughput, also when one request takes seconds.
                    if (e >= measureFrom && e <= measureTo) {
                      points.addAndGet(n);
                      batches.incrementAndGet();
                      latency.add(e - s);
                    }
                  } catch (Exception ex) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, ex.toString());
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
    long end = Math.min(System.nanoTime(), measureTo);
    measuredSeconds = Math.max(1e-9, (end - measureFrom) / 1e9);
  }

  void put(ObjectNode r) {
    r.put("points", points.get());
    r.put("batches", batches.get());
    r.put("seconds", Math.round(measuredSeconds * 1000) / 1000.0);
    r.put("points_per_s", points.get() / measuredSeconds);
    r.put("errors", errors.get());
    if (firstError.get() != null) {
      r.put("first_error", Driver.shorten(firstError.get(), 400));
    }
    latency.put(r, "batch_");
  }
}
