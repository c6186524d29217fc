package io.cairn.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/**
 * The servers a jqwik container sends its requests to: SQLite always, PostgreSQL when it answers (a
 * notice otherwise; a failure when CAIRN_REQUIRE_POSTGRES=1). Every request goes to each, so the
 * two backends also check each other.
 */
final class Backends implements AutoCloseable {
  /** The request body limit the suite configures, far below the 64 MiB default. */
  static final int LIMIT = 256 * 1024;

  final List<Backend> all = new ArrayList<>();
  private final Path dir;

  Backends() {
    try {
      dir = Files.createTempDirectory("cairn-it-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    all.add(Backend.sqlite(dir.resolve("sqlite"), LIMIT));
    try {
      all.add(Backend.postgres(dir.resolve("postgres"), LIMIT));
    } catch (TestAbortedException e) {
      System.out.println("bad-input suite runs on SQLite only: " + e.getMessage());
    }
  }

  void renewTargets() {
    all.forEach(Backend::renewTarget);
  }

  @Override
  public void close() {
    all.forEach(Backend::close);
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.out.println("could not delete " + dir + ": " + e);
    }
  }
}
