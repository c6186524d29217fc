package io.cairn.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Hostile clients for the load test, over raw sockets so that nothing repairs or buffers what they
 * send: bodies over the limit (declared or chunked), bodies of millions of empty objects, and
 * bodies that start and then stall (JSON calls and streamed uploads). Each attacker loops until
 * stopped and counts the statuses it got back ("none" when the server closed without answering).
 */
final class Attackers {
  private static final byte[] EMPTY_OBJECTS = emptyObjects(30 * 1024 * 1024);
  static final int STALLED_PER_ATTACKER = 75;
  private final int port;
  private final AtomicBoolean stop = new AtomicBoolean();
  final Map<String, Integer> answers = new ConcurrentHashMap<>();

  Attackers(int port) {
    this.port = port;
  }

  /** {"metrics": [{},{},...]} of about {@code size} bytes: the tree a naive parser would build. */
  private static byte[] emptyObjects(int size) {
    StringBuilder b = new StringBuilder(size + 64).append("{\"run_id\": \"x\", \"metrics\": [{}");
    while (b.length() < size) {
      b.append(",{}");
    }
    return b.append("]}").toString().getBytes(StandardCharsets.US_ASCII);
  }

  void stop() {
    stop.set(true);
  }

  /**
   * Attacker {@code i}'s loop: the first half send oversized bodies back to back (declared and
   * chunked in turn); the others each keep {@link #STALLED_PER_ATTACKER} connections stalled in the
   * middle of a body (JSON calls and streamed uploads), 300 in all for 8 attackers.
   */
  void run(int i, int attackers) {
    if (i < attackers / 2) {
      for (int round = 0; !stop.get(); round++) {
        answers.merge(round % 2 == 0 ? declared() : chunked(), 1, Integer::sum);
      }
      return;
    }
    Thread[] stalls = new Thread[STALLED_PER_ATTACKER];
    for (int k = 0; k < stalls.length; k++) {
      boolean upload = (k + i) % 2 == 0;
      stalls[k] =
          new Thread(
              () -> {
                while (!stop.get()) {
                  String kind =
                      upload
                          ? stalled(
                              "PUT",
                              "/api/2.0/mlflow-artifacts/artifacts/0/hostile.bin",
                              "text/plain")
                          : stalled("POST", "/api/2.0/mlflow/runs/log-batch", "application/json");
                  answers.merge(kind, 1, Integer::sum);
                }
              });
      stalls[k].start();
    }
    for (Thread t : stalls) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String declared() {
    return exchange(
        "POST /api/2.0/mlflow/runs/log-batch",
        "Content-Length: " + EMPTY_OBJECTS.length,
        out -> out.write(EMPTY_OBJECTS),
        "declared");
  }

  private String chunked() {
    return exchange(
        "POST /api/2.0/mlflow/runs/log-batch",
        "Transfer-Encoding: chunked",
        out -> {
          for (int sent = 0; sent < 3 && !stop.get(); sent++) {
            out.write(
                (Integer.toHexString(EMPTY_OBJECTS.length) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(EMPTY_OBJECTS);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
          out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        },
        "chunked");
  }

  /** Sends the head and a few bytes of a 1 MB body, then nothing for up to 40 s. */
  private String stalled(String method, String path, String type) {
    return exchange(
        method + " " + path,
        "Content-Type: " + type + "\r\nContent-Length: 1000000",
        out -> {
          out.write("{\"run_id\": ".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          for (int s = 0; s < 400 && !stop.get(); s++) {
            sleep(100);
          }
        },
        "stalled " + method);
  }

  private interface Body {
    void write(OutputStream out) throws IOException;
  }

  private String exchange(String requestLine, String headers, Body body, String kind) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      String head =
          requestLine
              + " HTTP/1.1\r\nHost: 127.0.0.1:"
              + port
              + "\r\nContent-Type: application/json\r\n"
              + headers
              + "\r\n\r\n";
      out.write(
          head.replace("Content-Type: application/json\r\nContent-Type:", "Content-Type:")
              .getBytes(StandardCharsets.US_ASCII));
      try {
        body.write(out);
        out.flush();
      } catch (IOException e) {
        // the server refused before the body was sent: its answer is still to be read
      }
      InputStream in = s.getInputStream();
      byte[] status = in.readNBytes(12);
      return kind + " " + (status.length == 12 ? new String(status, 9, 3) : "none");
    } catch (IOException e) {
      return kind + " none";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
