package io.cairn.storage.sql;

/** The dataset contract on PostgreSQL, in a fresh schema per test. */
class PostgresDatasetTest extends DatasetContract {
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
