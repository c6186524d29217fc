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

  public static String encode(long offset) {
    String json = "{\"offset\": " + offset + "}";
    return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
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
    throw CairnException.invalid(
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
