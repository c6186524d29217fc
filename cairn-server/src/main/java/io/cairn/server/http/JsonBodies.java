package io.cairn.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Reads JSON request bodies with their work bounded before it is done: only JSON content types (a
 * browser cannot send those across sites without asking first), at most the endpoint's bytes,
 * {@link #MAX_DEPTH} levels and the endpoint's tokens, each counted on a streaming pass before any
 * tree is built, and every byte and token charged to the server's {@link BodyBudget}. Thread-safe.
 */
public final class JsonBodies {
  /** Nesting levels a request may use; a stored value must also fit inside an answer's own. */
  public static final int MAX_DEPTH = 64;

  /** What a parsed token costs in the budget: about what Jackson's tree keeps per node. */
  static final int TOKEN_BYTES = 64;

  static final String CHARGE = "cairn.body-charge";
  private static final int CHUNK = 64 * 1024;
  private final ObjectMapper mapper;
  private final BodyBudget budget;
  private final long serverMax;
  private final Map<Pattern, BodyLimits> routes = new ConcurrentHashMap<>();

  public JsonBodies(ObjectMapper mapper, BodyBudget budget, long serverMax) {
    this.mapper = mapper.copy();
    this.mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength((int) Math.min(Integer.MAX_VALUE, serverMax))
                .maxNumberLength(1000)
                .build());
    this.budget = budget;
    this.serverMax = serverMax;
  }

  public long serverMax() {
    return serverMax;
  }

  /** This request's charge, opened on first use; {@link #release} gives it back. */
  static BodyBudget.Charge charge(jakarta.servlet.http.HttpServletRequest req, BodyBudget budget) {
    Object charge = req.getAttribute(CHARGE);
    if (charge instanceof BodyBudget.Charge c) {
      return c;
    }
    BodyBudget.Charge c = budget.open();
    req.setAttribute(CHARGE, c);
    return c;
  }

  /** The body as fields; a blank body falls back to the query parameters, as MLflow's does. */
  public Fields read(Context ctx, BodyLimits endpoint) throws IOException {
    BodyLimits limits = endpoint.within(serverMax);
    byte[] bytes = bytes(ctx, limits.maxBytes());
    if (isBlank(bytes)) {
      return ctx.queryParamMap().isEmpty()
          ? Fields.ofJson(null)
          : Fields.ofQuery(ctx.queryParamMap());
    }
    requireJson(ctx.contentType());
    if (!BodyPrefetch.prefetched(ctx.req())) {
      // Bodies read ahead were counted and charged as they arrived.
      TokenCounter counter = counter(limits.maxTokens());
      counter.feed(bytes, bytes.length);
      counter.end();
      charge(ctx.req(), budget).add(counter.tokens() * TOKEN_BYTES);
    }
    try {
      return Fields.ofJson(mapper.readTree(bytes));
    } catch (JsonProcessingException e) {
      throw malformed(e);
    }
  }

  private static void requireJson(String contentType) {
    String type =
        contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!type.equals("application/json")
        && !(type.startsWith("application/") && type.endsWith("+json"))) {
      throw CairnException.invalid(
          "The request body must be sent as Content-Type: application/json, not %s",
          type.isEmpty() ? "without a Content-Type" : "'" + type + "'");
    }
  }

  static CairnException tooManyTokens(int maxTokens) {
    return CairnException.invalid(
        "The request body holds more than %d JSON values, the most this endpoint takes;"
            + " send fewer items per request",
        maxTokens);
  }

  static CairnException malformed(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      String what = e.getOriginalMessage();
      if (what.contains("nesting depth")) {
        return CairnException.invalid(
            "The request body nests JSON more than %d levels deep, the most Cairn accepts",
            MAX_DEPTH);
      }
      return CairnException.invalid(
          "The request body is refused: %s", what.replaceAll("\\s*\\(.*", ""));
    }
    return new CairnException(
        ErrorCode.MALFORMED_REQUEST,
        "Malformed JSON in the request body: "
            + e.getOriginalMessage().replaceFirst(" \\(start marker at \\[Source: .*$", ""));
  }

  /**
   * The whole body, refused past {@code max} bytes: the bytes read ahead as they are, or else read
   * here and charged as they arrive. A read that Jetty's idle timeout ends is answered 408 by
   * ErrorHandling.
   */
  private byte[] bytes(Context ctx, long max) throws IOException {
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      throw tooLarge("is " + declared + " bytes", max);
    }
    byte[] ahead = BodyPrefetch.body(ctx.req());
    if (ahead != null) {
      return ahead;
    }
    BodyBudget.Charge charge = charge(ctx.req(), budget);
    if (declared > 0) {
      charge.add(declared);
    }
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, CHUNK)));
    byte[] buffer = new byte[CHUNK];
    long charged = Math.max(0, declared);
    try (InputStream in = ctx.bodyInputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (out.size() + (long) n > max) {
          throw tooLarge("is over the limit", max);
        }
        if (out.size() + n > charged) {
          charge.add(out.size() + n - charged);
          charged = out.size() + n;
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return true;
  }

  static CairnException tooLarge(String what, long max) {
    return new CairnException(
        ErrorCode.INVALID_PARAMETER_VALUE,
        String.format(
            "The request body %s: the limit is %d bytes (--max-request-bytes, or this endpoint's"
                + " own)",
            what, max));
  }

  /** Registers an endpoint's own limits, so bodies are held to them while they arrive. */
  void limit(String path, BodyLimits limits) {
    routes.put(Pattern.compile(path.replaceAll("\\{[^}]*}", "[^/]+")), limits.within(serverMax));
  }

  /** The limits of the endpoint at this path (the standard ones unless it registered its own). */
  BodyLimits limitsFor(String uri) {
    for (Map.Entry<Pattern, BodyLimits> route : routes.entrySet()) {
      if (route.getKey().matcher(uri).matches()) {
        return route.getValue();
      }
    }
    return BodyLimits.standard().within(serverMax);
  }

  TokenCounter counter(int maxTokens) throws IOException {
    return new TokenCounter(mapper.getFactory(), maxTokens);
  }
}
