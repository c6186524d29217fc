package io.cairn.server;

import io.cairn.server.guard.WebSecurity;
import io.cairn.storage.s3.S3Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's resolved configuration. Resolution (flag, then {@code CAIRN_...} environment
 * variable, then default) happens in the CLI; this record is what it resolved to.
 *
 * @param dataDir folder for the embedded defaults
 * @param dbUrl JDBC URL of the metadata database
 * @param artifactsDir folder of the local artifact store, used when {@code s3} is null
 * @param maxRequestBytes largest JSON request body accepted
 * @param s3 the S3-compatible artifact store ({@code --artifacts s3://...}), or null
 * @param web the hosts, origins and public URL browsers may use ({@link WebSecurity})
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    Path artifactsDir,
    long maxRequestBytes,
    S3Settings s3,
    WebSecurity web) {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;

  /** A configuration with a local artifact folder. */
  public ServerConfig(
      String host,
      int port,
      Path dataDir,
      String dbUrl,
      String dbUser,
      String dbPassword,
      Path artifactsDir,
      long maxRequestBytes) {
    this(host, port, dataDir, dbUrl, dbUser, dbPassword, artifactsDir, maxRequestBytes, null);
  }

  /** A configuration with the default {@link WebSecurity} for its host. */
  public ServerConfig(
      String host,
      int port,
      Path dataDir,
      String dbUrl,
      String dbUser,
      String dbPassword,
      Path artifactsDir,
      long maxRequestBytes,
      S3Settings s3) {
    this(
        host,
        port,
        dataDir,
        dbUrl,
        dbUser,
        dbPassword,
        artifactsDir,
        maxRequestBytes,
        s3,
        WebSecurity.defaults(host));
  }

  /** This configuration with other host, origin and public URL rules. */
  public ServerConfig withWeb(WebSecurity other) {
    return new ServerConfig(
        host, port, dataDir, dbUrl, dbUser, dbPassword, artifactsDir, maxRequestBytes, s3, other);
  }

  /** The embedded default under a data folder: SQLite file and local artifact folder. */
  public static ServerConfig embedded(String host, int port, Path dataDir) {
    Path abs = dataDir.toAbsolutePath().normalize();
    return new ServerConfig(
        host,
        port,
        abs,
        "jdbc:sqlite:" + abs.resolve("cairn.db"),
        null,
        null,
        abs.resolve("artifacts"),
        DEFAULT_MAX_REQUEST_BYTES);
  }

  /**
   * This configuration with another artifact store: a folder, or an {@code s3://bucket/prefix} URI
   * with an optional endpoint (any S3-compatible store), region and addressing style; path-style
   * addressing defaults to on when an endpoint is given, as self-hosted stores expect.
   */
  /**
   * A local artifacts folder given as a path or, as {@code mlflow server --artifacts-destination}
   * takes it, a {@code file:} URI ({@code file:///x}, {@code file:/x}, {@code file://localhost/x});
   * a {@code file:} URI naming another host is refused.
   */
  static Path localFolder(String artifacts) {
    if (!artifacts.regionMatches(true, 0, "file:", 0, 5)) {
      return Path.of(artifacts).toAbsolutePath().normalize();
    }
    java.net.URI uri;
    try {
      uri = new java.net.URI(artifacts);
    } catch (java.net.URISyntaxException e) {
      throw io.cairn.core.error.CairnException.invalid(
          "--artifacts %s is not a valid file: URI: %s", artifacts, e.getMessage());
    }
    String host = uri.getHost() == null ? uri.getAuthority() : uri.getHost();
    if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
      throw io.cairn.core.error.CairnException.invalid(
          "--artifacts %s names the host '%s'; expected a local folder (file:///path)",
          artifacts, host);
    }
    String path = uri.getPath();
    if (path == null || path.isEmpty()) {
      // file:relative/path (opaque): the part after the scheme, relative to the working folder
      path = uri.getSchemeSpecificPart();
    }
    return Path.of(path).toAbsolutePath().normalize();
  }

  public ServerConfig withArtifacts(
      String artifacts, String s3Endpoint, String s3Region, Boolean s3PathStyle) {
    if (artifacts == null || artifacts.isBlank()) {
      return this;
    }
    if (artifacts.startsWith("s3://")) {
      boolean pathStyle = s3PathStyle != null ? s3PathStyle : s3Endpoint != null;
      S3Settings settings =
          S3Settings.parse(artifacts, s3Endpoint, s3Region, pathStyle, null, null);
      return new ServerConfig(
          host,
          port,
          dataDir,
          dbUrl,
          dbUser,
          dbPassword,
          artifactsDir,
          maxRequestBytes,
          settings,
          web);
    }
    return new ServerConfig(
        host,
        port,
        dataDir,
        dbUrl,
        dbUser,
        dbPassword,
        localFolder(artifacts),
        maxRequestBytes,
        null,
        web);
  }

  /** What to print at start: every setting, secrets masked. */
  public Map<String, String> describe() {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("host", host);
    out.put("port", Integer.toString(port));
    out.put("data dir", dataDir.toString());
    out.put("database", dbUrl.replaceAll("(?i)(password=)[^&;]*", "$1***"));
    if (dbUser != null && !dbUser.isEmpty()) {
      out.put("database user", dbUser);
    }
    if (dbPassword != null && !dbPassword.isEmpty()) {
      out.put("database password", "***");
    }
    out.put("artifacts", s3 != null ? s3.toString() : artifactsDir.toString());
    out.put("max request", maxRequestBytes + " bytes");
    out.put(
        "allowed hosts",
        web.allowedHosts().equals(WebSecurity.defaultHosts(host))
            ? WebSecurity.describeDefaults(host)
            : String.join(",", web.allowedHosts()));
    out.put(
        "cors origins",
        web.corsAllowedOrigins().isEmpty()
            ? "(none: only the server's own pages)"
            : String.join(",", web.corsAllowedOrigins()));
    if (web.publicUrl() != null) {
      out.put("public url", web.publicUrl());
    }
    return out;
  }
}
