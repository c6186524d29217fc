package io.cairn.server.http;

import io.javalin.config.JavalinConfig;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.server.HttpConnectionFactory;

/**
 * The web server's own limits against slow and stalled clients: how long a connection may send or
 * take nothing, how many threads serve, and which requests stream their bodies to storage (they are
 * not read ahead by {@link BodyPrefetch} and at most {@link #MAX_STREAMS} run at once, leaving the
 * other threads to everyone else).
 */
public final class HttpLimits {
  /** Threads that serve requests. */
  public static final int THREADS = 250;

  /** Uploads streamed at once: well under {@link #THREADS}, so they cannot take all of them. */
  public static final int MAX_STREAMS = 96;

  /** How long a blocking read or write may wait for the client before the request fails. */
  public static final long IDLE_MILLIS = 30_000;

  /**
   * The longest request line and headers: 16 KiB, what MLflow's default server (uvicorn on h11)
   * reads, so a bulk-interval call naming 1,000 run ids reaches the handler and gets MLflow's 400,
   * not Jetty's 414. Jetty's read buffers stay 8 KiB; only a request actually sending long headers
   * holds up to this much more while it is parsed.
   */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  private HttpLimits() {}

  public static void apply(JavalinConfig c, String host, int port) {
    c.jetty.addConnector(
        (server, http) -> {
          LingeringConnector connector =
              new LingeringConnector(server, new HttpConnectionFactory(http));
          connector.setHost(host);
          connector.setPort(port);
          connector.setIdleTimeout(IDLE_MILLIS);
          return connector;
        });
    c.jetty.threadPool = new org.eclipse.jetty.util.thread.QueuedThreadPool(THREADS, 8, 60_000);
    c.jetty.modifyHttpConfiguration(
        http -> {
          http.setIdleTimeout(IDLE_MILLIS);
          http.setRequestHeaderSize(MAX_HEADER_BYTES);
          // No minimum data rates: Jetty measures them from the request's start, so a client
          // that pauses before its body (hashing the files it is about to send) was cut off.
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
    // MLflow's upload-artifact takes a file's raw bytes (at most 10 MB), not JSON.
    return method.equals("POST")
        && (path.equals("/api/cairn/v1/datasets/blobs/pack")
            || path.equals("/ajax-api/2.0/mlflow/upload-artifact"));
  }
}
