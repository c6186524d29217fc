package io.cairn.server.ui;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI: {@code GET /} answers the single page, {@code /ui/*} its ES modules and styles, and
 * {@code /webjars/*} the pinned libraries packaged as WebJars (uPlot), all read from the jar. Pages
 * route by the URL's hash ({@code /#/experiments/1/runs/<id>}, the links MLflow's clients print),
 * so the server knows no page paths. Every answer carries a Content-Security-Policy that allows
 * only this origin's scripts and calls, and refuses framing. Thread-safe.
 */
public final class UiAssets {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
          + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
          + "form-action 'self'; frame-ancestors 'none'";
  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "json", "application/json; charset=utf-8",
          "ico", "image/x-icon");
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  private UiAssets() {}

  public static void register(Javalin app) {
    UiAssets ui = new UiAssets();
    app.get("/", ctx -> ui.serve(ctx, "ui/index.html", "no-cache"));
    // The UI's own files change with each release and are small: revalidate after a minute.
    app.get("/ui/*", ctx -> ui.serve(ctx, "ui/" + ctx.path().substring(4), "max-age=60"));
    // WebJars carry their version in the path, so they never change under one URL.
    app.get(
        "/webjars/*",
        ctx ->
            ui.serve(
                ctx,
                "META-INF/resources/webjars/" + ctx.path().substring(9),
                "public, max-age=31536000, immutable"));
  }

  private void serve(Context ctx, String resource, String cacheControl) {
    securityHeaders(ctx);
    int dot = resource.lastIndexOf('.');
    String type = dot < 0 ? null : TYPES.get(resource.substring(dot + 1).toLowerCase(Locale.ROOT));
    byte[] body = type == null || resource.contains("..") ? null : load(resource);
    if (body == null) {
      ctx.status(HttpStatus.NOT_FOUND).contentType("text/plain; charset=utf-8");
      ctx.result("No UI file at " + ctx.path());
      return;
    }
    ctx.header("Cache-Control", cacheControl);
    ctx.contentType(type);
    ctx.result(body);
  }

  static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
  }

  private byte[] load(String resource) {
    byte[] cached = cache.get(resource);
    if (cached != null) {
      return cached;
    }
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return null;
      }
      byte[] bytes = in.readAllBytes();
      cache.put(resource, bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
