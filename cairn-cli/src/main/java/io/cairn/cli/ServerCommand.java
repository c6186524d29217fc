package io.cairn.cli;

import io.cairn.server.CairnServer;
import io.cairn.server.ServerConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cairn server}: the tracking server on the embedded default or on PostgreSQL. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = "Start the Cairn server (MLflow tracking API, artifact proxy, operations).")
final class ServerCommand implements Callable<Integer> {
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
          "Artifact store: a folder, or s3://bucket/prefix (env CAIRN_ARTIFACTS; default"
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
      names = "--exit-when-ready",
      hidden = true,
      description =
          "Start, answer a few requests to itself, and stop: a class-data-sharing"
              + " training run for the ./cairn launcher.")
  boolean exitWhenReady;

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
            .withArtifacts(artifacts, s3Endpoint, s3Region, s3PathStyle);
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
