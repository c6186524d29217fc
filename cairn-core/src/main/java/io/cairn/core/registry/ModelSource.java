package io.cairn.core.registry;

import io.cairn.core.error.CairnException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * MLflow's rules for a model version's {@code source} (its server's {@code _validate_source_run},
 * {@code _validate_source_model} and {@code _validate_non_local_source_contains_relative_paths}). A
 * local source (a {@code file:} URI, or a path without a scheme) is accepted only inside the local
 * artifact folder of the run (or logged model) the request names. Any other source must not hide a
 * {@code .} or {@code ..} part or a NUL behind percent-encoding, and its path must be absolute.
 * Refusals are INVALID_PARAMETER_VALUE.
 */
final class ModelSource {
  private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.\\-]*):");
  private static final int MAX_DECODING_ROUNDS = 8;
  private static final String ACCEPTED =
      "Register from a run's artifacts (runs:/<run_id>/<path>), a model (models:/<name>/<version>"
          + " or models:/<model_id>), the artifact store (mlflow-artifacts:/<path>) or a remote"
          + " store (such as s3://<bucket>/<path>)";

  private ModelSource() {}

  /**
   * Whether a source is on the server's file system, as MLflow's {@code is_local_uri} decides: no
   * scheme, a {@code file:} URI, or (here also) a one-letter scheme, which is a drive letter.
   */
  static boolean isLocal(String source) {
    String scheme = scheme(source);
    return scheme == null || scheme.equals("file") || scheme.length() == 1;
  }

  /**
   * Whether a source names this server's artifact store, as MLflow's {@code
   * _is_mlflow_artifact_source}: an {@code mlflow-artifacts:} URI, or an http(s) URL of the
   * artifact route.
   */
  static boolean isArtifactStore(String source) {
    String scheme = scheme(source);
    if ("mlflow-artifacts".equals(scheme)) {
      return true;
    }
    return ("http".equals(scheme) || "https".equals(scheme))
        && fullyDecoded(source)
            .replaceAll("/+", "/")
            .contains("/api/2.0/mlflow-artifacts/artifacts/");
  }

  /** The refusal of a source that must lie in the artifacts of a run this server does not hold. */
  static CairnException unknownRun(String source, String runId) {
    return refused(
        source,
        "The run_id request parameter must identify the resource that contains the source, and run "
            + runId
            + " is not on this server, so a local or artifact-store source cannot be checked to"
            + " lie in its artifacts. "
            + ACCEPTED);
  }

  /**
   * Checks a local source against the artifact location of what the request names.
   *
   * @param owner what the request names, for the message: "run 1234", "model m-1", or null
   * @param ownerArtifacts that one's artifact location, or null when the request names none
   */
  static void checkLocal(String source, String owner, String ownerArtifacts) {
    if (owner == null) {
      throw refused(
          source,
          "it is a local path (a file: URI or a path without a scheme), which is accepted only"
              + " with a run_id (or model_id) whose artifact location is a local folder containing"
              + " it. "
              + ACCEPTED);
    }
    Path path = localPath(source);
    Path root =
        ownerArtifacts != null && isLocal(ownerArtifacts) ? localPath(ownerArtifacts) : null;
    if (path == null || root == null || !path.startsWith(root)) {
      throw refused(
          source,
          "a local path is accepted only inside the artifact location of the "
              + owner
              + (root == null ? ", which is not a local folder (" : " (")
              + ownerArtifacts
              + "). "
              + ACCEPTED);
    }
  }

  /** Checks a source with a scheme: no {@code .}, {@code ..} or NUL, however encoded. */
  static void checkRemote(String source) {
    String decoded = fullyDecoded(source);
    if (decoded.indexOf('\0') >= 0) {
      throw refused(source, "it contains a NUL character");
    }
    String rest = decoded.substring(scheme(decoded).length() + 1);
    String path = rest.startsWith("//") ? rest.substring(Math.max(2, authorityEnd(rest))) : rest;
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw refused(source, "its path must be absolute, as in scheme:/path or scheme://host/path");
    }
    for (String part : decoded.split("/", -1)) {
      if (part.equals("..") || part.equals(".")) {
        throw refused(
            source,
            "relative path parts ('.' or '..') are not allowed, even percent-encoded; give"
                + " the absolute path");
      }
    }
  }

  /** The text percent-decoded until it no longer changes, refused when that takes too long. */
  private static String fullyDecoded(String source) {
    String decoded = source;
    for (int round = 0; ; round++) {
      String next = decodeOnce(decoded);
      if (next.equals(decoded)) {
        return decoded;
      }
      if (round == MAX_DECODING_ROUNDS) {
        throw refused(source, "it is percent-encoded more than " + MAX_DECODING_ROUNDS + " times");
      }
      decoded = next;
    }
  }

  /** The lower-case scheme, or null for a plain path. */
  private static String scheme(String source) {
    var m = SCHEME.matcher(source);
    return m.find() ? m.group(1).toLowerCase(Locale.ROOT) : null;
  }

  private static int authorityEnd(String rest) {
    int slash = rest.indexOf('/', 2);
    return slash < 0 ? rest.length() : slash;
  }

  /**
   * The absolute, normalized file system path of a local source, or null when it is not one this
   * server can have: a {@code file:} URI of another host, or a path with a {@code ..} part.
   */
  private static Path localPath(String source) {
    String text = source;
    String scheme = scheme(source);
    if ("file".equals(scheme)) {
      String rest = source.substring("file:".length());
      if (rest.startsWith("//")) {
        String host = rest.substring(2, authorityEnd(rest));
        if (!host.isEmpty() && !host.equalsIgnoreCase("localhost") && !host.equals("127.0.0.1")) {
          return null;
        }
        rest = rest.substring(authorityEnd(rest));
      }
      text = decodeOnce(rest);
    } else if (scheme != null) {
      return null; // a drive letter: not a path of this server
    }
    for (String part : fullyDecoded(text).split("/", -1)) {
      if (part.equals("..")) {
        return null;
      }
    }
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return null;
    }
  }

  private static String decodeOnce(String text) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // not valid percent-encoding: taken literally
    }
  }

  private static CairnException refused(String source, String why) {
    return CairnException.invalid("Invalid model version source '%s': %s", source, why);
  }
}
