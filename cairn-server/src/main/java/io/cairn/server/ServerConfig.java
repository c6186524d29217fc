package io.cairn.server;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's resolved configuration. Resolution (flag, then {@code CAIRN_...} environment
 * variable, then default) happens in the CLI; this record is what it resolved to.
 *
 * @param dataDir folder for the embedded defaults
 * @param dbUrl JDBC URL of the metadata database
 * @param artifactsDir folder of the local artifact store
 * @param maxRequestBytes largest JSON request body accepted
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String dbUrl,
    String dbUser,
    String dbPassword,
    Path artifactsDir,
    long maxRequestBytes) {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 64L * 1024 * 1024;

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
    out.put("artifacts", artifactsDir.toString());
    out.put("max request", maxRequestBytes + " bytes");
    return out;
  }
}
