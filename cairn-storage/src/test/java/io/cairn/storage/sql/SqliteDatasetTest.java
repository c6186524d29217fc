package io.cairn.storage.sql;

/** The dataset contract on SQLite in a temporary file. */
class SqliteDatasetTest extends DatasetContract {
  @Override
  Database open() {
    return TestDatabases.sqlite(dir);
  }
}
