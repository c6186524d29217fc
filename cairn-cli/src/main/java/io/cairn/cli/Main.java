package io.cairn.cli;

import io.cairn.core.error.CairnException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cairn} command. The only class that calls {@link System#exit}. */
@Command(
    name = "cairn",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Cairn: an MLOps platform for the MLflow clients you already use.",
    subcommands = {
      ServerCommand.class,
      ExperimentsCommand.class,
      RunsCommand.class,
      ModelsCommand.class,
      DatasetsCommand.class
    })
public final class Main {
  /** Prints the version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cairn " + io.cairn.server.CairnServer.VERSION};
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (see README: exit codes). */
  static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof CairnException ce) {
            commandLine.getErr().println("cairn: " + ce.getMessage());
            return ExitCodes.of(ce.code());
          }
          throw e;
        });
    return cli.execute(args);
  }
}
