package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.storage.sql.TestDatabases;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 in the middle of a write storm: the real server (cairn.jar in a child process) takes
 * {@code runs/log-batch} requests from 8 clients and artifact uploads (plain and multipart) from 2
 * more, gets SIGKILL, and is started again on the same data. Every acknowledged batch and upload
 * must be there, whole; no batch may be partly stored; no artifact may be listed half-written.
 */
class CrashSafetyIT {
  private static final int CLIENTS = 8;
  private static final int UPLOADERS = 2;
  private static final long LOAD_MILLIS = 2500;
  private static final List<String> JVM = List.of("-Xmx512m");

  @TempDir Path dir;

  @Test
  void sqlite_killNineMidStream_keepsEveryAcknowledgedWriteAndNoPartialBatch() throws Exception {
    crashAndCheck("SQLite", List.of());
  }

  @Test
  void postgres_killNineMidStream_keepsEveryAcknowledgedWriteAndNoPartialBatch() throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    try {
      crashAndCheck("PostgreSQL", List.of("--db", url));
    } finally {
      TestDatabases.dropSchemaOf(url);
    }
  }

  private void crashAndCheck(String backend, List<String> dbArgs) throws Exception {
    Path data = dir.resolve("data");
    BatchLoad batches;
    Uploads uploads;
    int exitCode;
    try (ServerProcess first = ServerProcess.start(data, JVM, dbArgs)) {
      Http http = new Http(first.url());
      String experimentId =
          Http.ok(http.post("/api/2.0/mlflow/experiments/create", "{\"name\": \"crash\"}"))
              .get("experiment_id")
              .asText();
      List<String> runIds = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        runIds.add(
            Http.ok(
                    http.post(
                        "/api/2.0/mlflow/runs/create",
                        "{\"experiment_id\": \""
                            + experimentId
                            + "\", \"run_name\": \"c"
                            + c
                            + "\"}"))
                .at("/run/info/run_id")
                .asText());
      }
      batches = new BatchLoad(http, runIds);
      uploads = new Uploads(http, UPLOADERS);
      batches.start();
      uploads.start();
      assertThat(batches.awaitWarm(30_000)).as("every client got a first answer").isTrue();
      Thread.sleep(LOAD_MILLIS);
      exitCode = first.killHard();
      batches.awaitEnd(30_000);
      uploads.awaitEnd(30_000);
    }
    assertThat(exitCode).as("exit code of a JVM killed by SIGKILL (128 + 9)").isEqualTo(137);

    try (ServerProcess second = ServerProcess.start(data, JVM, dbArgs)) {
      Http http = new Http(second.url());
      BatchLoad.Report b = batches.verify(http);
      Uploads.Report u = uploads.verify(http, data.resolve("artifacts"));
      System.out.printf(
          "crash safety (%s, kill -9 %d ms into the load, exit %d): %d batches sent, %d acknowledged, %d"
              + " refused, %d unanswered (%d found whole, %d absent); batches found whole: %d;"
              + " partial batches found: %d%n",
          backend,
          LOAD_MILLIS,
          exitCode,
          b.sent(),
          b.acknowledged(),
          b.refused(),
          b.unanswered(),
          b.unansweredWhole(),
          b.unansweredAbsent(),
          b.whole(),
          b.partial());
      System.out.printf(
          "crash safety (%s) artifacts: %d uploads, %d acknowledged, %d unanswered (%d listed"
              + " whole); %d files listed; half-visible files: %d; temp or staged files left on disk: %d%n",
          backend,
          u.attempted(),
          u.acknowledged(),
          u.unanswered(),
          u.unansweredListed(),
          u.listed(),
          u.problems().size(),
          u.tempFilesOnDisk());
      assertThat(batches.refusals()).as("log-batch refusals under load").isEmpty();
      assertThat(b.acknowledged()).as("acknowledged batches before the kill").isGreaterThan(0);
      assertThat(b.problems()).as("batch problems after restart").isEmpty();
      assertThat(b.partial()).isZero();
      assertThat(u.problems()).as("artifact problems after restart").isEmpty();
    }
  }
}
