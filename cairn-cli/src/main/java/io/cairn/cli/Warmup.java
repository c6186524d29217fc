package io.cairn.cli;

import io.cairn.client.CairnClient;
import io.cairn.client.DatasetsClient;
import io.cairn.client.PullOptions;
import io.cairn.client.PushOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exercises a freshly started server through its common paths, so that a class-data-sharing archive
 * recorded during this run holds the classes real requests load.
 */
final class Warmup {
  private Warmup() {}

  static void exercise(String url) {
    CairnClient client = new CairnClient(url);
    client.version();
    client.get("/health/ready");
    client.listExperiments("ALL");
    client.searchRuns("0", "metrics.m > 0 AND params.p = 'x'", 10);
    datasets(client);
  }

  /** A push (a small file and a packed one) and a pull, so dataset commands start fast too. */
  private static void datasets(CairnClient client) {
    try {
      Path dir = Files.createTempDirectory("cairn-warmup");
      Path folder = Files.createDirectories(dir.resolve("data"));
      Files.write(folder.resolve("big.bin"), new byte[2 << 20]);
      Files.writeString(folder.resolve("notes.txt"), "warm-up");
      DatasetsClient datasets = new DatasetsClient(client);
      datasets.push("cairn-warmup", folder, new PushOptions().rehash(true));
      datasets.pull("cairn-warmup", dir.resolve("copy"), new PullOptions());
      datasets.list(null);
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
