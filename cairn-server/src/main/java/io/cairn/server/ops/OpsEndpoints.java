package io.cairn.server.ops;

import io.cairn.storage.sql.Database;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Liveness, readiness (the database answers), Prometheus metrics and the version. */
public final class OpsEndpoints {
  private OpsEndpoints() {}

  public static void register(
      Javalin app, Database db, PrometheusMeterRegistry registry, String version) {
    app.get("/health/live", ctx -> ctx.json(java.util.Map.of("status", "ok")));
    app.get(
        "/health/ready",
        ctx -> {
          boolean ready = db.isReady();
          ctx.status(ready ? 200 : 503);
          ctx.json(
              java.util.Map.of(
                  "status",
                  ready ? "ok" : "unavailable",
                  "database",
                  ready ? "ok" : "not answering"));
        });
    app.get(
        "/metrics",
        ctx -> {
          ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
          ctx.result(registry.scrape());
        });
    app.get("/version", ctx -> ctx.json(java.util.Map.of("name", "cairn", "version", version)));
  }
}
