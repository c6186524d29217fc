package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cairn runs list}. */
@Command(
    name = "runs",
    mixinStandardHelpOptions = true,
    description = "Search runs.",
    subcommands = {RunsCommand.ListCommand.class})
final class RunsCommand {
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List runs of an experiment, newest first.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin ServerOptions server;

    @Option(
        names = {"-e", "--experiment-id"},
        defaultValue = "0",
        description = "Experiment id (default ${DEFAULT-VALUE}).")
    String experimentId;

    @Option(names = "--filter", description = "MLflow filter, e.g. \"metrics.acc > 0.9\".")
    String filter;

    @Option(names = "--max", defaultValue = "100", description = "At most this many runs.")
    int max;

    @Override
    public Integer call() {
      JsonNode runs = server.client().searchRuns(experimentId, filter, max);
      if (server.json) {
        server.printJson(runs);
        return ExitCodes.OK;
      }
      Table table = new Table("RUN ID", "NAME", "STATUS", "STARTED");
      for (JsonNode r : runs) {
        JsonNode info = r.path("info");
        table.add(
            info.path("run_id").asText(),
            info.path("run_name").asText(),
            info.path("status").asText(),
            Instant.ofEpochMilli(info.path("start_time").asLong()).toString());
      }
      table.print(System.out);
      return ExitCodes.OK;
    }
  }
}
