package io.cairn.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.server.ServerConfig;
import io.cairn.server.ServerFixture;
import io.cairn.storage.sql.TestDatabases;
import java.nio.file.Path;

/**
 * One in-process server for the bad-input suite, with its protected data (and the snapshot taken of
 * it at the start) and its current sacrificial data, renewed now and then because requests may
 * delete it.
 */
final class Backend implements AutoCloseable {
  final String name;
  final ServerFixture server;
  final Http http;
  final Seed guarded;
  final JsonNode guardedSnapshot;
  final Seed roundTrip;
  private final String pgUrl;
  private Seed target;

  private Backend(String name, ServerConfig config, String pgUrl) {
    this.name = name;
    this.pgUrl = pgUrl;
    this.server = new ServerFixture(config);
    this.http = new Http(server.url());
    this.guarded = Seed.create(http, "protected");
    this.guardedSnapshot = guarded.snapshot(http);
    this.roundTrip = Seed.create(http, "roundtrip");
    this.target = Seed.create(http, "fuzz");
  }

  static ServerConfig config(Path dir, String dbUrl, long maxRequestBytes) {
    return new ServerConfig(
        "127.0.0.1",
        0,
        dir,
        dbUrl == null ? "jdbc:sqlite:" + dir.resolve("cairn.db") : dbUrl,
        null,
        null,
        dir.resolve("artifacts"),
        maxRequestBytes);
  }

  static Backend sqlite(Path dir, long maxRequestBytes) {
    return new Backend("SQLite", config(dir, null, maxRequestBytes), null);
  }

  /** A backend on a fresh PostgreSQL schema; skips (or fails when required) as TestDatabases. */
  static Backend postgres(Path dir, long maxRequestBytes) {
    String url = TestDatabases.freshPostgresSchema();
    return new Backend("PostgreSQL", config(dir, url, maxRequestBytes), url);
  }

  Seed target() {
    return target;
  }

  void renewTarget() {
    target = Seed.create(http, "fuzz");
  }

  Probe aim(Draft d) {
    return d.aim(target, guarded);
  }

  /** What the protected data looks like now; equal to {@link #guardedSnapshot} unless broken. */
  JsonNode guardedNow() {
    return guarded.snapshot(http);
  }

  @Override
  public void close() {
    server.close();
    if (pgUrl != null) {
      TestDatabases.dropSchemaOf(pgUrl);
    }
  }
}
