package io.cairn.cli;

import io.cairn.client.CairnClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn experiments list|create}. */
@Command(
    name = "experiments",
    mixinStandardHelpOptions = true,
    description = "List and create experiments.",
    subcommands = {ExperimentsCommand.ListCommand.class, ExperimentsCommand.CreateCommand.class})
final class ExperimentsCommand {
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List experiments.")
  static final class ListCommand implements Callable<Integer> {
    @Mixin ServerOptions server;

    @Option(
        names = "--view",
        defaultValue = "ACTIVE_ONLY",
        description = "ACTIVE_ONLY, DELETED_ONLY or ALL (default ${DEFAULT-VALUE}).")
    String view;

    @Override
    public Integer call() {
      List<CairnClient.ExperimentSummary> list = server.client().listExperiments(view);
      if (server.json) {
        server.printJson(list);
        return ExitCodes.OK;
      }
      Table table = new Table("ID", "NAME", "STAGE", "ARTIFACT LOCATION");
      list.forEach(e -> table.add(e.id(), e.name(), e.lifecycleStage(), e.artifactLocation()));
      table.print(System.out);
      return ExitCodes.OK;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an experiment.")
  static final class CreateCommand implements Callable<Integer> {
    @Mixin ServerOptions server;

    @Parameters(paramLabel = "NAME", description = "The experiment's name.")
    String name;

    @Override
    public Integer call() {
      String id = server.client().createExperiment(name);
      if (server.json) {
        server.printJson(java.util.Map.of("experiment_id", id, "name", name));
      } else {
        System.out.println("Created experiment '" + name + "' with id " + id);
      }
      return ExitCodes.OK;
    }
  }
}
