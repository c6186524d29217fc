package io.cairn.cli;

import io.cairn.server.CairnServer;
import io.cairn.server.ServerConfig;
import io.cairn.server.guard.WebSecurity;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code cairn server}: the tracking server on the embedded default or on PostgreSQL. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start the Cairn server (MLflow tracking API, artifact proxy, operations).")
final class ServerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "${env:CAIRN_HOST:-127.0.0.1}",
      description = "Address to listen on (env CAIRN_HOST; default ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "${env:CAIRN_PORT:-5000}",
      description =
          "Port to listen on, 0 for any free port (env CAIRN_PORT; default ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      defaultValue = "${env:CAIRN_DATA_DIR:-./cairn-data}",
      description =
          "Folder for the embedded defaults (env CAIRN_DATA_DIR; default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--db",
      defaultValue = "${env:CAIRN_DB}",
      description =
          "JDBC URL of the metadata database, e.g. jdbc:postgresql://127.0.0.1:5432/cairn"
              + " (env CAIRN_DB; default: SQLite file <data-dir>/cairn.db).")
  String db;

  @Option(
      names = "--db-user",
      defaultValue = "${env:CAIRN_DB_USER}",
      description = "Database user (env CAIRN_DB_USER).")
  String dbUser;

  @Option(
      names = "--db-password",
      defaultValue = "${env:CAIRN_DB_PASSWORD}",
      description = "Database password (env CAIRN_DB_PASSWORD; never printed).")
  String dbPassword;

  @Option(
      names = "--artifacts",
      defaultValue = "${env:CAIRN_ARTIFACTS}",
      description =
          "Artifact store: a folder (a path or file:///path), or s3://bucket/prefix (env"
              + " CAIRN_ARTIFACTS; default"
              + " <data-dir>/artifacts). S3 credentials come from AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY (or the AWS SDK's default chain).")
  String artifacts;

  @Option(
      names = "--s3-endpoint-url",
      defaultValue = "${env:MLFLOW_S3_ENDPOINT_URL:-${env:AWS_ENDPOINT_URL_S3}}",
      description =
          "Endpoint of an S3-compatible store, e.g. http://127.0.0.1:9000 (env"
              + " MLFLOW_S3_ENDPOINT_URL, else AWS_ENDPOINT_URL_S3; default: AWS S3).")
  String s3Endpoint;

  @Option(
      names = "--s3-region",
      defaultValue = "${env:AWS_REGION:-${env:AWS_DEFAULT_REGION}}",
      description =
          "S3 signing region (env AWS_REGION, else AWS_DEFAULT_REGION; default us-east-1).")
  String s3Region;

  @Option(
      names = "--s3-path-style",
      arity = "1",
      defaultValue = "${env:CAIRN_S3_PATH_STYLE}",
      description =
          "Path-style S3 addresses (http://host/bucket/key): true or false (env"
              + " CAIRN_S3_PATH_STYLE; default true when --s3-endpoint-url is set).")
  Boolean s3PathStyle;

  @Option(
      names = "--max-request-bytes",
      defaultValue = "${env:CAIRN_MAX_REQUEST_BYTES:-67108864}",
      description =
          "Largest JSON request body accepted (env CAIRN_MAX_REQUEST_BYTES; default ${DEFAULT-VALUE}).")
  long maxRequestBytes;

  @Option(
      names = "--allowed-hosts",
      defaultValue = "${env:CAIRN_ALLOWED_HOSTS:-${env:MLFLOW_SERVER_ALLOWED_HOSTS}}",
      description =
          "Comma-separated Host header values the server answers to; * matches any run of"
              + " characters, * alone any host (env CAIRN_ALLOWED_HOSTS, else"
              + " MLFLOW_SERVER_ALLOWED_HOSTS; default: localhost, 127.0.0.1 and [::1] on any"
              + " port, plus private addresses and this machine's name when listening on"
              + " 0.0.0.0).")
  String allowedHosts;

  @Option(
      names = "--cors-allowed-origins",
      defaultValue = "${env:CAIRN_CORS_ALLOWED_ORIGINS:-${env:MLFLOW_SERVER_CORS_ALLOWED_ORIGINS}}",
      description =
          "Comma-separated origins (scheme://host[:port]) whose web pages may call the API and"
              + " change data, besides the server's own pages; * for any (env"
              + " CAIRN_CORS_ALLOWED_ORIGINS, else MLFLOW_SERVER_CORS_ALLOWED_ORIGINS; default:"
              + " none).")
  String corsAllowedOrigins;

  @Option(
      names = "--public-url",
      defaultValue = "${env:CAIRN_PUBLIC_URL}",
      description =
          "URL clients reach this server at, for the URLs it hands out (env CAIRN_PUBLIC_URL;"
              + " default: http://<host>:<port>, this machine's name when listening on 0.0.0.0).")
  String publicUrl;

  @Option(
      names = "--exit-when-ready",
      hidden = true,
      description =
          "Start, answer a few requests to itself, and stop: a class-data-sharing"
              + " training run for the ./cairn launcher.")
  boolean exitWhenReady;

  private WebSecurity web() {
    List<String> hosts = WebSecurity.list(allowedHosts);
    try {
      return new WebSecurity(
          hosts.isEmpty() ? WebSecurity.defaultHosts(host) : hosts,
          WebSecurity.list(corsAllowedOrigins),
          publicUrl == null || publicUrl.isBlank() ? null : publicUrl.trim());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    ServerConfig defaults = ServerConfig.embedded(host, port, dataDir);
    ServerConfig config =
        new ServerConfig(
                host,
                port,
                defaults.dataDir(),
                db == null || db.isBlank() ? defaults.dbUrl() : db,
                dbUser,
                dbPassword,
                defaults.artifactsDir(),
                maxRequestBytes)
            .withArtifacts(artifacts, s3Endpoint, s3Region, s3PathStyle)
            .withWeb(web());
    System.out.println("Cairn " + CairnServer.VERSION);
    for (Map.Entry<String, String> e : config.describe().entrySet()) {
      System.out.printf("  %-18s %s%n", e.getKey(), e.getValue());
    }
    CairnServer server = CairnServer.start(config);
    if (exitWhenReady) {
      Warmup.exercise("http://127.0.0.1:" + server.port());
      server.close();
      return ExitCodes.OK;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "cairn-shutdown"));
    String clientHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    String uri = "http://" + clientHost + ":" + server.port();
    System.out.printf(
        "Listening on %s:%d (ready in %d ms)%n",
        host, server.port(), (System.nanoTime() - started) / 1_000_000);
    System.out.println("Tracking URI: " + uri);
    System.out.println("  export MLFLOW_TRACKING_URI=" + uri);
    System.out.flush();
    stopped.await();
    return ExitCodes.OK;
  }
}
