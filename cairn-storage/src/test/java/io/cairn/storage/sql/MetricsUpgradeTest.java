package io.cairn.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.core.tracking.ArtifactLocations;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.Ids;
import io.cairn.core.tracking.Metric;
import io.cairn.core.tracking.RunNames;
import io.cairn.core.tracking.RunService;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database written before metric blocks existed (schema version 3) keeps every point through the
 * upgrade; its old keys are downsampled from their history, and keys logged afterwards use blocks.
 */
class MetricsUpgradeTest {
  @TempDir Path dir;

  @Test
  void sqlite_upgradeKeepsPoints() throws Exception {
    upgrade(TestDatabases.sqliteUrl(dir));
  }

  @Test
  void postgresql_upgradeKeepsPoints() throws Exception {
    String url = TestDatabases.freshPostgresSchema();
    try {
      upgrade(url);
    } finally {
      TestDatabases.dropSchemaOf(url);
    }
  }

  @Test
  void schemaVersion_isTheNewestMigration_andANewerSchemaIsRefused() throws Exception {
    for (Dialect d : Dialect.values()) {
      Path folder =
          Path.of("src/main/resources")
              .resolve(d.migrationLocation().substring("classpath:".length()));
      int newest;
      try (var files = java.nio.file.Files.list(folder)) {
        newest =
            files
                .map(f -> f.getFileName().toString())
                .filter(n -> n.matches("V\\d+__.*\\.sql"))
                .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__"))))
                .max()
                .orElseThrow();
      }
      assertThat(newest).as(d.name()).isEqualTo(Database.SCHEMA_VERSION);
    }
    String url = TestDatabases.sqliteUrl(dir);
    Database.open(url, null, null, 2).close();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement()
          .execute(
              "INSERT INTO cairn_schema_history (installed_rank, version, description, type,"
                  + " script, checksum, installed_by, execution_time, success) VALUES (99, '"
                  + (Database.SCHEMA_VERSION + 1)
                  + "', 'from the future', 'SQL', 'V9__x.sql', 0, 'test', 0, 1)");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Database.open(url, null, null, 2))
        .isInstanceOf(io.cairn.core.error.CairnException.class)
        .hasMessageContaining("newer than this Cairn understands");
  }

  private static void upgrade(String url) throws Exception {
    Dialect dialect = Dialect.of(url);
    Flyway.configure()
        .dataSource(url, null, null)
        .locations(dialect.migrationLocation())
        .table("cairn_schema_history")
        .target("3")
        .load()
        .migrate();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement()
          .execute(
              "INSERT INTO runs (run_uuid, experiment_id, status, start_time, lifecycle_stage)"
                  + " VALUES ('0123456789abcdef0123456789abcdef', 0, 'RUNNING', 1, 'active')");
      try (PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO metrics (run_uuid, key, step, timestamp, value, is_nan) VALUES"
                      + " ('0123456789abcdef0123456789abcdef', 'old', ?, ?, ?, ?)");
          PreparedStatement latest =
              c.prepareStatement(
                  "INSERT INTO latest_metrics (run_uuid, key, value, timestamp, step, is_nan)"
                      + " VALUES ('0123456789abcdef0123456789abcdef', 'old', 4999, 5000, 4999,"
                      + " ?)")) {
        for (int step = 0; step < 5000; step++) {
          ps.setLong(1, step);
          ps.setLong(2, 1000 + step);
          ps.setDouble(3, step);
          ps.setBoolean(4, false);
          ps.addBatch();
        }
        ps.executeBatch();
        latest.setBoolean(1, false);
        latest.executeUpdate();
      }
    }

    Database db = Database.open(url, null, null, 4);
    try {
      Clock clock = Clock.systemUTC();
      ExperimentService experiments =
          new ExperimentService(new SqlExperimentStore(db), ArtifactLocations.proxied(), clock);
      RunService runs =
          new RunService(
              new SqlRunStore(db),
              experiments,
              new Ids(new Random(1)),
              new RunNames(new Random(2)),
              clock);
      String runId = "0123456789abcdef0123456789abcdef";
      assertThat(runs.metricHistory(runId, "old", 25_000, null).items()).hasSize(5000);
      List<Metric> old = runs.metricHistoryBulkInterval(List.of(runId), "old", null, null, 100);
      assertThat(old).hasSizeBetween(90, 201);
      assertThat(old.get(0).step()).isZero();
      assertThat(old.get(old.size() - 1).step()).isEqualTo(4999);

      List<Metric> points = new ArrayList<>();
      for (int step = 0; step < 5000; step++) {
        points.add(Metric.of("new", step, 1000 + step, step));
      }
      for (int i = 0; i < points.size(); i += 1000) {
        runs.logBatch(runId, points.subList(i, i + 1000), List.of(), List.of());
      }
      long blocks =
          db.read(
              tx ->
                  tx.first(
                          "SELECT COUNT(*) FROM metric_blocks WHERE key = 'new' AND level = 6",
                          rs -> rs.getLong(1))
                      .orElseThrow());
      assertThat(blocks).isEqualTo((5000 + 63) / 64);
      List<Metric> fresh = runs.metricHistoryBulkInterval(List.of(runId), "new", null, null, 100);
      assertThat(fresh).hasSizeBetween(90, 201);
      assertThat(fresh.get(fresh.size() - 1).step()).isEqualTo(4999);
    } finally {
      db.close();
    }
  }
}
