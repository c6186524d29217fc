package io.cairn.server.http;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The web server's own limits against slow and stalled clients: how long a connection may send
 * nothing, the slowest a body or an answer may move, how many threads serve, and which requests
 * stream their bodies to storage (they are not read ahead by {@link BodyPrefetch} and at most
 * {@link #MAX_STREAMS} run at once, leaving the other threads to everyone else).
 */
public final class HttpLimits {
  /** Threads that serve requests. */
  public static final int THREADS = 250;

  /** Uploads streamed at once: well under {@link #THREADS}, so they cannot take all of them. */
  public static final int MAX_STREAMS = 96;

  /** How long a blocking read or write may wait for the client before the request fails. */
  public static final long IDLE_MILLIS = 30_000;

  /** The slowest a request body or an answer may move, on average, before it is cut off. */
  public static final long MIN_BYTES_PER_SECOND = 1024;

  private HttpLimits() {}

  public static void apply(JavalinConfig c) {
    c.jetty.threadPool = new org.eclipse.jetty.util.thread.QueuedThreadPool(THREADS, 8, 60_000);
    c.jetty.modifyHttpConfiguration(
        http -> {
          http.setIdleTimeout(IDLE_MILLIS);
          http.setMinRequestDataRate(MIN_BYTES_PER_SECOND);
          http.setMinResponseDataRate(MIN_BYTES_PER_SECOND);
          http.setSendServerVersion(false);
          http.setSendXPoweredBy(false);
        });
  }

  /** The uploads whose bodies go straight to storage, of any size. */
  public static boolean streamsItsBody(HttpServletRequest req) {
    String path = req.getRequestURI();
    String method = req.getMethod();
    if (method.equals("PUT")) {
      return path.startsWith("/api/2.0/mlflow-artifacts/artifacts/")
          || path.startsWith("/api/2.0/mlflow-artifacts/mpu/part/")
          || path.startsWith("/api/cairn/v1/datasets/blobs/");
    }
    return method.equals("POST") && path.equals("/api/cairn/v1/datasets/blobs/pack");
  }
}
