package io.cairn.server.guard;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses, before any endpoint runs, what a hostile web page can make a browser send: a Host name
 * the server was not told to answer to (DNS rebinding), a request that changes data from a page of
 * another origin (cross-site request forgery: a form or a {@code text/plain} fetch needs no CORS
 * preflight), and method overrides ({@code X-HTTP-Method-Override} would let a form's POST act as a
 * DELETE). Health and version answers skip the Host check, as MLflow's do, so load balancers can
 * probe by address. Thread-safe.
 */
public final class RequestGuard {
  private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");
  private static final List<String> OVERRIDES =
      List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");
  private final List<Pattern> hosts;
  private final boolean anyHost;
  private final Set<String> origins;
  private final boolean anyOrigin;
  private final String publicOrigin;

  public RequestGuard(WebSecurity security) {
    this.anyHost = security.allowedHosts().contains("*");
    this.hosts = security.allowedHosts().stream().map(RequestGuard::glob).toList();
    this.anyOrigin = security.corsAllowedOrigins().contains("*");
    this.origins =
        Set.copyOf(security.corsAllowedOrigins().stream().map(RequestGuard::normalOrigin).toList());
    this.publicOrigin = security.publicUrl() == null ? null : normalOrigin(security.publicUrl());
  }

  public void install(Javalin app) {
    app.before(this::check);
    // Preflights of allowed origins. Javalin's CORS plugin is not used: it answers 400 to every
    // request whose Origin is not listed, the server's own pages included.
    app.options("/*", ctx -> ctx.status(ctx.res().getHeader(ALLOW_ORIGIN) != null ? 204 : 403));
  }

  void check(Context ctx) {
    for (String header : OVERRIDES) {
      if (ctx.header(header) != null) {
        throw new CairnException(
            ErrorCode.BAD_REQUEST,
            header + " is not honoured: send the request with its own method (for example DELETE)");
      }
    }
    String host = ctx.header("Host");
    if (!exempt(ctx.path()) && !hostAllowed(host)) {
      throw new CairnException(
          ErrorCode.PERMISSION_DENIED,
          "This server does not answer to the host name '"
              + host
              + "' (a DNS-rebinding page would look like this); allow it with --allowed-hosts");
    }
    String origin = ctx.header("Origin");
    if (STATE_CHANGING.contains(ctx.req().getMethod())) {
      checkOrigin(origin, ctx.header("Sec-Fetch-Site"), host);
    }
    if (origin != null && listed(origin)) {
      cors(ctx, origin);
    }
  }

  private static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";

  /** Lets a listed origin's page read the answer, and answers its preflights. */
  private static void cors(Context ctx, String origin) {
    ctx.header(ALLOW_ORIGIN, origin);
    ctx.header("Vary", "Origin");
    ctx.header("Access-Control-Expose-Headers", "ETag, Retry-After");
    if (ctx.req().getMethod().equals("OPTIONS")) {
      ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
      String asked = ctx.header("Access-Control-Request-Headers");
      ctx.header(
          "Access-Control-Allow-Headers",
          asked == null ? "Content-Type, Authorization, X-MLFLOW-WORKSPACE" : asked);
      ctx.header("Access-Control-Max-Age", "600");
    }
  }

  private boolean listed(String origin) {
    if (anyOrigin) {
      return true;
    }
    String normal = normalOrigin(origin);
    return origins.contains(normal) || normal.equals(publicOrigin);
  }

  private static boolean exempt(String path) {
    return path.startsWith("/health/") || path.equals("/version");
  }

  boolean hostAllowed(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    if (anyHost) {
      return true;
    }
    for (Pattern p : hosts) {
      if (p.matcher(host).matches()) {
        return true;
      }
    }
    return false;
  }

  private void checkOrigin(String origin, String fetchSite, String host) {
    if (origin == null) {
      // Browsers send Origin with every POST, PUT, PATCH and DELETE; Sec-Fetch-Site backs it up.
      if ("cross-site".equals(fetchSite) || "same-site".equals(fetchSite)) {
        throw refused("a page of another site");
      }
      return;
    }
    if (sameOrigin(origin, host) || listed(origin)) {
      return;
    }
    throw refused("'" + origin + "'");
  }

  private static CairnException refused(String who) {
    return new CairnException(
        ErrorCode.PERMISSION_DENIED,
        "Cross-origin request from "
            + who
            + " refused: only the server's own pages and the origins allowed with"
            + " --cors-allowed-origins may change data");
  }

  /** Whether the page's origin is the server itself, as the browser addressed it. */
  static boolean sameOrigin(String origin, String host) {
    if (host == null) {
      return false;
    }
    URI o;
    try {
      o = URI.create(origin);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (o.getHost() == null || o.getScheme() == null) {
      return false;
    }
    String hostName = host;
    int port = -1;
    int colon = host.lastIndexOf(':');
    if (colon > host.lastIndexOf(']')) {
      hostName = host.substring(0, colon);
      try {
        port = Integer.parseInt(host.substring(colon + 1));
      } catch (NumberFormatException e) {
        return false;
      }
    }
    if (!hostName.equalsIgnoreCase(o.getHost())) {
      return false;
    }
    // Behind a proxy the Host header often has no port while the page's origin has its scheme's.
    return port < 0 || port == portOf(o);
  }

  private static int portOf(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** scheme://host:port in lower case, the port made explicit, so equal origins compare equal. */
  static String normalOrigin(String origin) {
    try {
      URI o = URI.create(origin.trim());
      if (o.getScheme() == null || o.getHost() == null) {
        return origin.trim().toLowerCase(Locale.ROOT);
      }
      return o.getScheme().toLowerCase(Locale.ROOT)
          + "://"
          + o.getHost().toLowerCase(Locale.ROOT)
          + ":"
          + portOf(o);
    } catch (IllegalArgumentException e) {
      return origin.trim().toLowerCase(Locale.ROOT);
    }
  }

  /** A host pattern: {@code *} matches any run of characters, the rest literally. */
  private static Pattern glob(String pattern) {
    String[] parts = pattern.split("\\*", -1);
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
  }
}
