package io.cairn.server.ops;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times every request per route for {@code /metrics} and writes one structured (JSON) access log
 * line for it on the {@code cairn.access} logger.
 */
public final class RequestObserver {
  private static final Logger ACCESS = LoggerFactory.getLogger("cairn.access");
  private static final String START = "cairn.start-nanos";

  private RequestObserver() {}

  public static void install(Javalin app, MeterRegistry registry) {
    app.before(ctx -> ctx.attribute(START, System.nanoTime()));
    app.after(ctx -> observe(ctx, registry));
  }

  private static void observe(Context ctx, MeterRegistry registry) {
    Long start = ctx.attribute(START);
    if (start == null) {
      return;
    }
    long nanos = System.nanoTime() - start;
    String route = ctx.endpointHandlerPath();
    if (route == null || !route.startsWith("/")) {
      route = "unmatched";
    }
    int status = ctx.statusCode();
    Timer.builder("http.server.requests")
        .tag("method", ctx.method().name())
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
    if (ACCESS.isInfoEnabled()) {
      ACCESS.info(
          "{\"method\":\"{}\",\"path\":\"{}\",\"route\":\"{}\",\"status\":{},\"ms\":{}}",
          ctx.method(),
          escape(ctx.path()),
          escape(route),
          status,
          String.format("%.2f", nanos / 1e6));
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
