package io.cairn.it;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Clients logging {@code runs/log-batch} requests as fast as they can, one run each, and the check
 * of what a restarted server still has. Every row of a batch is derived from (client, batch, i), so
 * each row found can be attributed to exactly one batch and its value checked: batch {@code b} of a
 * client has metrics {@code m0..m49} at step {@code b}, params {@code p.b.0..4} and tags {@code
 * t.b.0..4}.
 */
final class BatchLoad {
  static final int METRICS = 50;
  static final int PARAMS = 5;
  static final int TAGS = 5;
  static final int ROWS = METRICS + PARAMS + TAGS;
  private static final long BASE_TIME = 1_700_000_000_000L;

  /** What a client learnt about one batch it sent. */
  enum Outcome {
    /** 200: the server promised the batch is stored. */
    ACKNOWLEDGED,
    /** An error answer: nothing of the batch may be stored. */
    REFUSED,
    /** No answer (the server died): all or nothing may be stored. */
    UNANSWERED
  }

  /** What the restarted server has, batch by batch. */
  record Report(
      int sent,
      int acknowledged,
      int refused,
      int unanswered,
      int unansweredWhole,
      int unansweredAbsent,
      int whole,
      int partial,
      List<String> problems) {}

  private final Http http;
  private final List<String> runIds;
  private final List<List<Outcome>> outcomes = new ArrayList<>();
  private final List<String> refusals = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch firstAcknowledged;

  BatchLoad(Http http, List<String> runIds) {
    this.http = http;
    this.runIds = List.copyOf(runIds);
    this.firstAcknowledged = new CountDownLatch(runIds.size());
    for (int c = 0; c < runIds.size(); c++) {
      outcomes.add(new ArrayList<>());
    }
  }

  static double value(int client, int batch, int i) {
    return client * 10_000_000.0 + batch * 100.0 + i + 0.25;
  }

  static long timestamp(int batch, int i) {
    return BASE_TIME + batch * 1000L + i;
  }

  static String paramValue(int client, int batch, int i) {
    return "c" + client + "-b" + batch + "-p" + i;
  }

  static String tagValue(int client, int batch, int i) {
    return "c" + client + "-b" + batch + "-t" + i;
  }

  static String body(String runId, int client, int batch) {
    ObjectNode o = Http.JSON.createObjectNode().put("run_id", runId);
    ArrayNode metrics = o.putArray("metrics");
    for (int i = 0; i < METRICS; i++) {
      metrics
          .addObject()
          .put("key", "m" + i)
          .put("value", value(client, batch, i))
          .put("timestamp", timestamp(batch, i))
          .put("step", batch);
    }
    ArrayNode params = o.putArray("params");
    for (int i = 0; i < PARAMS; i++) {
      params
          .addObject()
          .put("key", "p." + batch + "." + i)
          .put("value", paramValue(client, batch, i));
    }
    ArrayNode tags = o.putArray("tags");
    for (int i = 0; i < TAGS; i++) {
      tags.addObject().put("key", "t." + batch + "." + i).put("value", tagValue(client, batch, i));
    }
    return o.toString();
  }

  /** Starts one thread per run; each stops at its first failed connection or at {@link #stop}. */
  void start() {
    for (int c = 0; c < runIds.size(); c++) {
      int client = c;
      Thread t = new Thread(() -> logUntilStopped(client), "batch-client-" + c);
      threads.add(t);
      t.start();
    }
  }

  private void logUntilStopped(int client) {
    List<Outcome> mine = outcomes.get(client);
    boolean warm = false;
    for (int batch = 0; !stop.get(); batch++) {
      HttpRequest request =
          http.request("/api/2.0/mlflow/runs/log-batch")
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body(runIds.get(client), client, batch)))
              .build();
      try {
        Http.Answer a = http.trySend(request);
        if (a.status() == 200) {
          mine.add(Outcome.ACKNOWLEDGED);
          if (!warm) {
            warm = true;
            firstAcknowledged.countDown();
          }
        } else {
          mine.add(Outcome.REFUSED);
          synchronized (refusals) {
            refusals.add(a.status() + " " + Text.clip(a.body()));
          }
        }
      } catch (IOException e) {
        mine.add(Outcome.UNANSWERED);
        return;
      } catch (InterruptedException e) {
        mine.add(Outcome.UNANSWERED);
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Waits until every client has had a batch acknowledged: the server is warm. */
  boolean awaitWarm(long timeoutMillis) throws InterruptedException {
    return firstAcknowledged.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Waits for every client to notice the server is gone (or stops them after the timeout). */
  void awaitEnd(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    for (Thread t : threads) {
      t.join(Math.max(1, deadline - System.currentTimeMillis()));
    }
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
  }

  List<String> refusals() {
    synchronized (refusals) {
      return List.copyOf(refusals);
    }
  }

  /** Reads every run back from {@code server} and classifies each batch that was sent. */
  Report verify(Http server) {
    int sent = 0;
    int acknowledged = 0;
    int refused = 0;
    int unanswered = 0;
    int unansweredWhole = 0;
    int unansweredAbsent = 0;
    int whole = 0;
    int partial = 0;
    List<String> problems = new ArrayList<>();
    for (int c = 0; c < runIds.size(); c++) {
      List<Outcome> mine = outcomes.get(c);
      StoredRun stored = StoredRun.read(server, runIds.get(c), problems);
      int[] found = stored.rowsPerBatch(c, mine.size(), problems);
      for (int b = 0; b < mine.size(); b++) {
        sent++;
        Outcome outcome = mine.get(b);
        boolean isWhole = found[b] == ROWS;
        boolean isAbsent = found[b] == 0;
        whole += isWhole ? 1 : 0;
        if (!isWhole && !isAbsent) {
          partial++;
          problems.add(
              "client " + c + " batch " + b + " (" + outcome + "): " + found[b] + " of " + ROWS);
        }
        switch (outcome) {
          case ACKNOWLEDGED -> {
            acknowledged++;
            if (!isWhole) {
              problems.add(
                  "client "
                      + c
                      + " batch "
                      + b
                      + " was acknowledged but "
                      + found[b]
                      + " of "
                      + ROWS
                      + " rows survived");
            }
          }
          case REFUSED -> {
            refused++;
            if (!isAbsent) {
              problems.add("client " + c + " batch " + b + " was refused but has rows");
            }
          }
          case UNANSWERED -> {
            unanswered++;
            unansweredWhole += isWhole ? 1 : 0;
            unansweredAbsent += isAbsent ? 1 : 0;
          }
        }
      }
    }
    return new Report(
        sent,
        acknowledged,
        refused,
        unanswered,
        unansweredWhole,
        unansweredAbsent,
        whole,
        partial,
        problems);
  }
}
