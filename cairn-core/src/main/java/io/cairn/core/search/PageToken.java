package io.cairn.core.search;

import io.cairn.core.error.CairnException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opaque page tokens: base64 of {@code {"offset": N}}, the form MLflow's own server issues, so a
 * token is portable between the two. A token that does not decode is INVALID_PARAMETER_VALUE.
 */
public final class PageToken {
  private static final Pattern OFFSET =
      Pattern.compile("^\\{\\s*\"offset\"\\s*:\\s*(\\d{1,15})\\s*}$");

  private PageToken() {}

  private static final Pattern AFTER =
      Pattern.compile(
          "^\\{\\s*\"after\"\\s*:\\s*\\[(-?\\d{1,19}(?:\\s*,\\s*-?\\d{1,19}){0,7})]\\s*}$");

  private static final Pattern AFTER_ID =
      Pattern.compile(
          "^\\{\\s*\"after\"\\s*:\\s*\\[(-?\\d{1,19}(?:\\s*,\\s*-?\\d{1,19}){0,7})]\\s*,"
              + "\\s*\"id\"\\s*:\\s*\"([0-9A-Za-z_-]{1,1400})\"\\s*}$");

  /** A keyset token's sort key and the id that ends it ({@link #encodeAfter(String, long...)}). */
  public record After(long[] key, String id) {}

  /**
   * A keyset token whose sort key ends in an id (a run id, say): {@code {"after": [...], "id":
   * "..."}}, the id in unpadded base64url so that any id fits.
   */
  public static String encodeAfter(String id, long... key) {
    String encodedId =
        Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    return base64(afterList(key) + ", \"id\": \"" + encodedId + "\"}");
  }

  /**
   * The sort key and id a keyset token of {@link #encodeAfter(String, long...)} holds, or null for
   * no token or an offset token (which {@link #decode} reads); a token of neither form is
   * INVALID_PARAMETER_VALUE.
   */
  public static After decodeAfterId(String token, int length) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    try {
      String text = token.length() > 2400 ? null : decodeText(token);
      Matcher m = text == null ? null : AFTER_ID.matcher(text);
      if (m != null && m.matches()) {
        long[] key = parseKey(m.group(1), length);
        if (key != null) {
          byte[] id = Base64.getUrlDecoder().decode(m.group(2));
          return new After(key, new String(id, StandardCharsets.UTF_8));
        }
      }
    } catch (IllegalArgumentException e) {
      // not a keyset token: decode() decides
    }
    decode(token); // an offset token passes; anything else is refused here
    return null;
  }

  private static long[] parseKey(String list, int length) {
    String[] parts = list.split("\\s*,\\s*");
    if (parts.length != length) {
      return null;
    }
    long[] key = new long[length];
    for (int i = 0; i < length; i++) {
      key[i] = Long.parseLong(parts[i]);
    }
    return key;
  }

  private static String decodeText(String token) {
    return new String(decodeBase64(token), StandardCharsets.UTF_8);
  }

  /**
   * A keyset token: the sort key of the last row of a page, as integers ({@code {"after": [...]}}),
   * so the next page starts with an index seek instead of skipping rows.
   */
  public static String encodeAfter(long... key) {
    return base64(afterList(key) + "}");
  }

  /** {@code {"after": [k1, k2, ...]}, without its closing brace. */
  private static String afterList(long... key) {
    StringBuilder json = new StringBuilder("{\"after\": [");
    for (int i = 0; i < key.length; i++) {
      json.append(i == 0 ? "" : ", ").append(key[i]);
    }
    return json.append(']').toString();
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The sort key a keyset token holds, or null for no token or an offset token (which {@link
   * #decode} reads); a token of neither form is INVALID_PARAMETER_VALUE.
   */
  public static long[] decodeAfter(String token, int length) {
    if (token == null || token.isEmpty()) {
      return null;
    }
    try {
      byte[] bytes = token.length() > 400 ? null : decodeBase64(token);
      if (bytes != null) {
        Matcher m = AFTER.matcher(new String(bytes, StandardCharsets.UTF_8));
        if (m.matches()) {
          long[] key = parseKey(m.group(1), length);
          if (key != null) {
            return key;
          }
        }
      }
    } catch (IllegalArgumentException e) {
      // not a keyset token: decode() decides
    }
    decode(token); // an offset token passes; anything else is refused here
    return null;
  }

  public static String encode(long offset) {
    return base64("{\"offset\": " + offset + "}");
  }

  /** The offset a token stands for; null or empty means the first page. */
  public static long decode(String token) {
    if (token == null || token.isEmpty()) {
      return 0;
    }
    try {
      byte[] bytes = token.length() > 200 ? null : decodeBase64(token);
      if (bytes != null) {
        Matcher m = OFFSET.matcher(new String(bytes, StandardCharsets.UTF_8));
        if (m.matches()) {
          return Long.parseLong(m.group(1));
        }
      }
    } catch (IllegalArgumentException e) {
      // fall through to the error below
    }
    throw invalid(token);
  }

  /** The refusal of a token this server did not issue. */
  public static CairnException invalid(String token) {
    return CairnException.invalid(
        "Invalid page token '%s': pass the next_page_token of a previous answer unchanged",
        token.length() > 40 ? token.substring(0, 40) + "..." : token);
  }

  private static byte[] decodeBase64(String token) {
    if (token.indexOf('-') >= 0 || token.indexOf('_') >= 0) {
      return Base64.getUrlDecoder().decode(token);
    }
    return Base64.getDecoder().decode(token);
  }
}
