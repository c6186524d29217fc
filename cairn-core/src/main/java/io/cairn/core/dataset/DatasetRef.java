package io.cairn.core.dataset;

import io.cairn.core.error.CairnException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reference to a dataset version, as users type it: {@code NAME}, {@code NAME@3}, {@code
 * NAME@latest} or {@code NAME@clean} (a tag); and as runs log it in a source URI: {@code
 * datasets:/NAME/3}, {@code datasets:/NAME@clean}, {@code datasets:/NAME/latest}, {@code
 * cairn://datasets/NAME/3}, or Cairn's own API URL of the version or of one of its files, {@code
 * .../api/cairn/v1/datasets/NAME/versions/3[/files/PATH]} (the form the MLflow Python client's
 * {@code from_pandas(df, source=URL)} accepts). {@code version} is null for "latest".
 */
public record DatasetRef(String name, String version) {
  private static final Pattern URI =
      Pattern.compile(
          "^(?:datasets:/+|cairn://datasets/|https?://[^/]+(?:/[^?#]*)?/api/cairn/v1/datasets/)"
              + "([^/@?#]+)(?:(?:/versions)?/([^/?#]+)(?:/files/[^?#]+)?|@([^/?#]+))?/?(?:[?#].*)?$");

  /** Parses {@code NAME[@VERSION|@TAG]}. */
  public static DatasetRef parse(String text) {
    if (text == null || text.isBlank()) {
      throw CairnException.invalid("A dataset reference is NAME, NAME@VERSION or NAME@TAG.");
    }
    int at = text.lastIndexOf('@');
    if (at < 0) {
      return new DatasetRef(text, null);
    }
    String version = text.substring(at + 1);
    if (at == 0 || version.isEmpty()) {
      throw CairnException.invalid(
          "'%s' is not a dataset reference: use NAME, NAME@VERSION or NAME@TAG.", text);
    }
    return new DatasetRef(text.substring(0, at), version.equals("latest") ? null : version);
  }

  /** The dataset version a source URI names, or empty when it names none of Cairn's. */
  public static Optional<DatasetRef> fromSourceUri(String uri) {
    if (uri == null) {
      return Optional.empty();
    }
    Matcher m = URI.matcher(uri.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    String version = m.group(2) != null ? m.group(2) : m.group(3);
    if (version != null && version.equals("latest")) {
      version = null;
    }
    return Optional.of(
        new DatasetRef(decode(m.group(1)), version == null ? null : decode(version)));
  }

  private static final Pattern SOURCE_FIELD =
      Pattern.compile("\"(?:uri|url|path)\"\\s*:\\s*\"([^\"]*)\"");

  /**
   * The dataset version an MLflow dataset source names: the source is JSON such as {@code {"uri":
   * "datasets:/wine/3"}} (its {@code uri}, {@code url} or {@code path}) or a bare URI.
   */
  public static Optional<DatasetRef> fromSource(String source) {
    if (source == null) {
      return Optional.empty();
    }
    Matcher m = SOURCE_FIELD.matcher(source);
    while (m.find()) {
      Optional<DatasetRef> ref = fromSourceUri(m.group(1));
      if (ref.isPresent()) {
        return ref;
      }
    }
    return fromSourceUri(source);
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(
        s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return version == null ? name : name + "@" + version;
  }
}
