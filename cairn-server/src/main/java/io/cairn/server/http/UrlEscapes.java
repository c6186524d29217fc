package io.cairn.server.http;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.javalin.Javalin;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Refuses, with MLflow's error JSON (400 BAD_REQUEST), a request whose URL has a percent-escape
 * that is not {@code %XX} (IIS's {@code %u002e}, a lone {@code %}) or escapes whose bytes are not
 * UTF-8 (the overlong {@code %c0%ae}, an encoded surrogate {@code %ed%a0%80}). It runs before any
 * route decodes the URL: Javalin's path parameter decoding throws on the first kind (a 500), its
 * query decoding silently drops such a parameter, and Jetty turns the second kind into U+FFFD, so a
 * name would be stored other than it was sent.
 */
public final class UrlEscapes {
  private UrlEscapes() {}

  /** Checks every request's raw path and query before its handlers run. */
  public static void install(Javalin app) {
    app.before(ctx -> check(ctx.req().getRequestURI(), ctx.queryString()));
  }

  static void check(String rawPath, String rawQuery) {
    checkPart("path", rawPath);
    checkPart("query", rawQuery);
  }

  private static void checkPart(String part, String raw) {
    if (raw == null || raw.indexOf('%') < 0) {
      return;
    }
    int i = 0;
    while (i < raw.length()) {
      if (raw.charAt(i) != '%') {
        i++;
        continue;
      }
      // A run of escapes: each must be %XX, and their bytes together UTF-8.
      int start = i;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      while (i < raw.length() && raw.charAt(i) == '%') {
        if (hex(raw, i + 1) < 0 || hex(raw, i + 2) < 0) {
          String found = raw.substring(i, Math.min(raw.length(), i + 6));
          throw refused(
              "the escape '"
                  + found
                  + "' in its "
                  + part
                  + " is not a percent sign and two hexadecimal digits (%XX); %u escapes are"
                  + " not supported");
        }
        bytes.write(hex(raw, i + 1) * 16 + hex(raw, i + 2));
        i += 3;
      }
      if (!isUtf8(bytes.toByteArray())) {
        throw refused(
            "the escapes '"
                + raw.substring(start, i)
                + "' in its "
                + part
                + " are not UTF-8 text (an overlong form or an encoded surrogate)");
      }
    }
  }

  /** The value of the ASCII hex digit at {@code at}, or -1 when there is none. */
  private static int hex(String s, int at) {
    char c = at < s.length() ? s.charAt(at) : 'x';
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static CairnException refused(String why) {
    return new CairnException(ErrorCode.BAD_REQUEST, "Malformed URL: " + why);
  }
}
