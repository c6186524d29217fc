package io.cairn.storage.sql;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The tracking contract on SQLite in a temporary file. */
class SqliteTrackingTest extends TrackingContract {
  @TempDir Path dir;

  @Override
  Database open() {
    return TestDatabases.sqlite(dir);
  }
}
