package io.cairn.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;

/**
 * Counts a JSON body's tokens and checks its nesting as its bytes arrive (Jackson's non-blocking
 * parser), so a body of millions of empty objects is refused after its first few hundred kilobytes,
 * not after all of it was received. Not thread-safe: one per request.
 */
final class TokenCounter {
  private final JsonParser parser;
  private final ByteArrayFeeder feeder;
  private final int maxTokens;
  private long tokens;

  TokenCounter(JsonFactory factory, int maxTokens) throws IOException {
    this.parser = factory.createNonBlockingByteArrayParser();
    this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    this.maxTokens = maxTokens;
  }

  /** Feeds the next bytes; the array may be reused once this returns. */
  void feed(byte[] bytes, int length) {
    try {
      feeder.feedInput(bytes, 0, length);
      drain();
    } catch (JsonProcessingException e) {
      throw JsonBodies.malformed(e);
    } catch (IOException e) {
      throw new IllegalStateException("parsing bytes in memory failed", e);
    }
  }

  /** Ends the input; refuses a body that stops in the middle of a value. */
  void end() {
    feeder.endOfInput();
    try {
      drain();
    } catch (JsonProcessingException e) {
      throw JsonBodies.malformed(e);
    } catch (IOException e) {
      throw new IllegalStateException("parsing bytes in memory failed", e);
    }
  }

  long tokens() {
    return tokens;
  }

  private void drain() throws IOException {
    JsonToken t;
    while ((t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE) {
      if (++tokens > maxTokens) {
        throw JsonBodies.tooManyTokens(maxTokens);
      }
    }
  }
}
