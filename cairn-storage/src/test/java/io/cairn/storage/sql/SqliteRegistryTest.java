package io.cairn.storage.sql;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The registry contract on SQLite in a temporary file. */
class SqliteRegistryTest extends RegistryContract {
  @TempDir Path dir;

  @Override
  Database open() {
    return TestDatabases.sqlite(dir);
  }
}
