package io.cairn.server.mlflow;

import io.cairn.core.artifact.ArtifactPath;
import io.cairn.core.artifact.ArtifactRepository;
import io.cairn.core.error.CairnException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sends one artifact file as MLflow's server does ({@code _send_artifact}): always as an attachment
 * with {@code X-Content-Type-Options: nosniff}, so a browser never displays it on the server's
 * origin, and with MLflow's content type: text/plain for its text extensions (and MLmodel,
 * MLproject), else the type of the extension. Types a browser would render as an active document
 * (HTML, XHTML, SVG) are sent as text/plain too, as a second line of defence.
 */
final class ArtifactFileAnswer {
  /** MLflow's {@code get_text_extensions()}; a name without an extension is matched whole. */
  private static final Set<String> TEXT =
      Set.of(
          "txt",
          "log",
          "err",
          "cfg",
          "conf",
          "cnf",
          "cf",
          "ini",
          "properties",
          "prop",
          "hocon",
          "toml",
          "yaml",
          "yml",
          "xml",
          "json",
          "js",
          "py",
          "py3",
          "csv",
          "tsv",
          "md",
          "rst",
          "ipynb",
          "MLmodel",
          "MLproject");

  /** Python's {@code mimetypes} answers for the files models and runs usually hold. */
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("bmp", "image/bmp"),
          Map.entry("webp", "image/webp"),
          Map.entry("tif", "image/tiff"),
          Map.entry("tiff", "image/tiff"),
          Map.entry("ico", "image/vnd.microsoft.icon"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("zip", "application/zip"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("css", "text/css"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("wav", "audio/x-wav"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("html", "text/plain"),
          Map.entry("htm", "text/plain"),
          Map.entry("shtml", "text/plain"),
          Map.entry("xhtml", "text/plain"),
          Map.entry("xht", "text/plain"),
          Map.entry("svg", "text/plain"),
          Map.entry("svgz", "text/plain"));

  private ArtifactFileAnswer() {}

  /**
   * Streams the file at {@code path}; a directory there is INVALID_PARAMETER_VALUE naming {@code
   * shown} (the path the client asked for), a missing file RESOURCE_DOES_NOT_EXIST.
   */
  static void send(Context ctx, ArtifactRepository repository, ArtifactPath path, String shown) {
    if (repository.size(path) < 0 && !repository.list(path).isEmpty()) {
      throw CairnException.invalid("Artifact path refers to a directory, not a file: '%s'", shown);
    }
    var in = repository.open(path);
    String type = contentType(path.name());
    ctx.header("Content-Disposition", disposition(path.name()));
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType(type);
    ctx.result(in);
  }

  static String contentType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    // Python's splitext: a leading dot starts no extension (".bashrc" has none).
    String extension = dot > 0 ? fileName.substring(dot + 1) : "";
    if (TEXT.contains(extension.isEmpty() ? fileName : extension)) {
      return "text/plain";
    }
    return TYPES.getOrDefault(extension.toLowerCase(Locale.ROOT), "application/octet-stream");
  }

  /** RFC 6266 {@code attachment}: a token or quoted name, plus {@code filename*} when not ASCII. */
  static String disposition(String name) {
    // Control characters (a line break would end the header) never reach it.
    String fileName = name.replaceAll("\\p{Cntrl}", "_");
    if (StandardCharsets.US_ASCII.newEncoder().canEncode(fileName)) {
      return "attachment; filename=" + quoted(fileName);
    }
    String fallback =
        Normalizer.normalize(fileName, Normalizer.Form.NFKD).replaceAll("[^\\x00-\\x7F]", "");
    if (fallback.isEmpty()) {
      fallback = "download";
    }
    StringBuilder encoded = new StringBuilder();
    for (byte b : fileName.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
        encoded.append(c);
      } else {
        encoded.append(String.format("%%%02X", b & 0xff));
      }
    }
    return "attachment; filename=" + quoted(fallback) + "; filename*=UTF-8''" + encoded;
  }

  /** Werkzeug's {@code quote_header_value}: unchanged when all token characters, else quoted. */
  private static String quoted(String value) {
    boolean token = !value.isEmpty();
    for (int i = 0; i < value.length() && token; i++) {
      char c = value.charAt(i);
      token = c < 0x80 && (Character.isLetterOrDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0);
    }
    if (token) {
      return value;
    }
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
