package io.cairn.core.artifact;

import io.cairn.core.error.CairnException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A checked relative path inside an artifact store: the one place where artifact paths are
 * validated. It has no {@code ..} parts, is not absolute, has no backslashes, drive letters or
 * control characters, and none of that hides behind percent-encoding (the text is decoded
 * repeatedly to check). A plain {@code .} part means the folder it is in, as in MLflow ({@code .}
 * is the root, {@code ./a} is {@code a}); an encoded one is refused. The empty path is the store's
 * root.
 */
public final class ArtifactPath {
  public static final int MAX_PATH_LENGTH = 4096;
  public static final int MAX_NAME_BYTES = 255;

  /**
   * Names Cairn keeps for itself in every store (dataset blobs, staging): refused in client paths
   * so that no MLflow client can read or overwrite them.
   */
  public static final String RESERVED_PREFIX = ".cairn-";

  private static final ArtifactPath ROOT = new ArtifactPath(List.of());
  private final List<String> parts;

  private ArtifactPath(List<String> parts) {
    this.parts = List.copyOf(parts);
  }

  public static ArtifactPath root() {
    return ROOT;
  }

  /**
   * Checks a path as the client sent it (already URL-decoded once by the HTTP layer). Empty parts
   * from doubled or trailing slashes are dropped.
   */
  public static ArtifactPath parse(String text) {
    if (text == null || text.isEmpty()) {
      return ROOT;
    }
    String form = text;
    for (int round = 0; round < 4; round++) {
      check(text, form, round > 0);
      String decoded = decodeOnce(form);
      if (decoded.equals(form)) {
        break;
      }
      form = decoded;
    }
    if (text.length() > MAX_PATH_LENGTH) {
      throw invalid(
          text.substring(0, 60) + "...", "it is longer than " + MAX_PATH_LENGTH + " characters");
    }
    List<String> parts = new ArrayList<>();
    for (String part : text.split("/")) {
      if (part.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
        throw invalid(text, "a file or folder name is longer than " + MAX_NAME_BYTES + " bytes");
      }
      if (part.startsWith(RESERVED_PREFIX)) {
        throw invalid(text, "names starting with " + RESERVED_PREFIX + " are reserved");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    return new ArtifactPath(parts);
  }

  /**
   * The URI scheme of the artifact proxy: {@code mlflow-artifacts:/<path>} names a path in the
   * store.
   */
  public static final String STORE_SCHEME = "mlflow-artifacts:";

  /**
   * The store path of an {@code mlflow-artifacts:} URI (with or without an authority), or null for
   * any other URI. The path is checked like any other.
   */
  public static ArtifactPath fromStoreUri(String uri) {
    if (uri == null || !uri.startsWith(STORE_SCHEME)) {
      return null;
    }
    String rest = uri.substring(STORE_SCHEME.length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    return parse(rest.replaceFirst("^/+", ""));
  }

  private static void check(String original, String form, boolean decoded) {
    if (form.startsWith("/") || form.startsWith("~")) {
      throw invalid(original, "it must be relative, not absolute");
    }
    if (form.indexOf('\\') >= 0) {
      throw invalid(original, "backslashes are not allowed");
    }
    if (form.length() >= 2 && form.charAt(1) == ':' && Character.isLetter(form.charAt(0))) {
      throw invalid(original, "drive letters are not allowed");
    }
    for (int i = 0; i < form.length(); i++) {
      if (Character.isISOControl(form.charAt(i))) {
        throw invalid(original, "control characters are not allowed");
      }
    }
    for (String part : form.split("/")) {
      if (part.equals("..") || (decoded && part.equals("."))) {
        throw invalid(original, "'..' parts (and '.' parts hidden by %-encoding) are not allowed");
      }
    }
  }

  private static String decodeOnce(String form) {
    if (form.indexOf('%') < 0) {
      return form;
    }
    try {
      return URLDecoder.decode(form.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return form; // not valid percent-encoding: the text is taken literally
    }
  }

  private static CairnException invalid(String path, String why) {
    return CairnException.invalid("Invalid artifact path '%s': %s", path, why);
  }

  public boolean isRoot() {
    return parts.isEmpty();
  }

  public List<String> parts() {
    return parts;
  }

  public String name() {
    return parts.isEmpty() ? "" : parts.get(parts.size() - 1);
  }

  public ArtifactPath resolve(ArtifactPath child) {
    List<String> joined = new ArrayList<>(parts);
    joined.addAll(child.parts);
    return new ArtifactPath(joined);
  }

  @Override
  public String toString() {
    return String.join("/", parts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ArtifactPath other && other.parts.equals(parts);
  }

  @Override
  public int hashCode() {
    return parts.hashCode();
  }
}
