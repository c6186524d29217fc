package io.cairn.cli;

import io.cairn.client.CairnClient;

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
  }
}
