package io.cairn.storage.sql;

/** The tracking contract on PostgreSQL, in a fresh schema per test. */
class PostgresTrackingTest extends TrackingContract {
  private String url;

  @Override
  Database open() {
    url = TestDatabases.freshPostgresSchema();
    return Database.open(url, null, null, 8);
  }

  @Override
  void cleanUp() {
    TestDatabases.dropSchemaOf(url);
  }
}
