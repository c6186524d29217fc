package io.cairn.cli;

import io.cairn.core.error.CairnException;
import picocli.CommandLine.Option;

/** The options push and pull of datasets share: transfers at once and the progress bar. */
final class Transfers {
  @Option(
      names = {"-j", "--jobs"},
      defaultValue = "4",
      paramLabel = "N",
      description = "Transfers at once (default ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress bar.")
  boolean quiet;

  int jobs() {
    if (jobs < 1) {
      throw CairnException.invalid("--jobs must be at least 1");
    }
    return jobs;
  }

  ProgressBar bar() {
    return ProgressBar.forConsole(quiet);
  }
}
