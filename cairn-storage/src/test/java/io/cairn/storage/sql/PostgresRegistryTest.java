package io.cairn.storage.sql;

/** The registry contract on PostgreSQL, in a fresh schema per test. */
class PostgresRegistryTest extends RegistryContract {
  private String url;

  @Override
  Database open() {
    url = TestDatabases.freshPostgresSchema();
    return Database.open(url, null, null, 16);
  }

  @Override
  void cleanUp() {
    TestDatabases.dropSchemaOf(url);
  }
}
