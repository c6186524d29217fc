package io.cairn.server.http;

/**
 * How much one endpoint's JSON body may hold: its size in bytes and its number of JSON tokens (each
 * value, field name, and start or end of an object or array is one). Every body is also held to
 * {@link JsonBodies#MAX_DEPTH} levels of nesting.
 *
 * @param maxBytes the largest body, never more than the server's {@code --max-request-bytes}
 * @param maxTokens the most tokens; a log-batch of 1,000 metrics, 100 params and 100 tags is about
 *     15,000
 */
public record BodyLimits(long maxBytes, int maxTokens) {
  /** What MLflow's and most of Cairn's calls need, with ample room. */
  public static final int DEFAULT_TOKENS = 200_000;

  public BodyLimits {
    if (maxBytes <= 0 || maxTokens <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** These limits for a server whose largest accepted body is {@code serverMax}. */
  public BodyLimits within(long serverMax) {
    return new BodyLimits(Math.min(maxBytes, serverMax), maxTokens);
  }

  /** What MLflow's largest calls need (a log-inputs with a 1 MB schema), with ample room. */
  public static final long DEFAULT_BYTES = 16L << 20;

  /** The default: {@link #DEFAULT_BYTES} (or the server's limit) and {@link #DEFAULT_TOKENS}. */
  public static BodyLimits standard() {
    return new BodyLimits(DEFAULT_BYTES, DEFAULT_TOKENS);
  }

  /** An endpoint that takes long lists, e.g. a dataset version's files: up to the server's size. */
  public static BodyLimits tokens(int maxTokens) {
    return new BodyLimits(Long.MAX_VALUE, maxTokens);
  }
}
