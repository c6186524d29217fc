package io.cairn.cli;

import io.cairn.client.ModelRegistryClient;
import io.cairn.client.ModelRegistryClient.ModelInfo;
import io.cairn.client.ModelRegistryClient.VersionInfo;
import io.cairn.core.error.CairnException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn models ...} (also {@code cairn aimodel ...}): the model registry. */
@Command(
    name = "models",
    aliases = "aimodel",
    mixinStandardHelpOptions = true,
    description = "Registered models and their versions (also: cairn aimodel).",
    subcommands = {
      ModelsCommand.ListModels.class,
      ModelsCommand.Show.class,
      ModelsCommand.Create.class,
      ModelsCommand.Update.class,
      ModelsCommand.Rename.class,
      ModelsCommand.Delete.class,
      ModelsCommand.Versions.class,
      ModelsCommand.Release.class,
      ModelsCommand.Alias.class,
      ModelsCommand.Stage.class
    })
final class ModelsCommand {
  /** A model name given as NAME or as --name NAME (the seed's form: aimodel create --name n). */
  static final class NameArg {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "NAME",
        description = "Registered model name.")
    String positional;

    @Option(names = "--name", paramLabel = "NAME", description = "Registered model name.")
    String option;

    String get() {
      if ((positional == null) == (option == null)) {
        throw CairnException.invalid("Give the model name once: as NAME or as --name NAME");
      }
      return positional != null ? positional : option;
    }
  }

  abstract static class Base implements Callable<Integer> {
    @Mixin ServerOptions server;

    ModelRegistryClient registry() {
      return new ModelRegistryClient(server.client());
    }

    abstract void run(ModelRegistryClient registry);

    @Override
    public Integer call() {
      run(registry());
      return ExitCodes.OK;
    }

    void printModels(List<ModelInfo> models) {
      if (server.json) {
        server.printJson(models.stream().map(ModelInfo::json).toList());
        return;
      }
      Table table = new Table("NAME", "ALIASES", "UPDATED", "DESCRIPTION");
      models.forEach(
          m ->
              table.add(
                  m.name(),
                  String.join(",", m.aliases()),
                  Instant.ofEpochMilli(m.lastUpdated()).toString(),
                  m.description()));
      table.print(System.out);
    }

    void printVersions(List<VersionInfo> versions) {
      if (server.json) {
        server.printJson(versions.stream().map(VersionInfo::json).toList());
        return;
      }
      Table table = new Table("NAME", "VERSION", "STAGE", "ALIASES", "STATUS", "SOURCE");
      versions.forEach(
          v ->
              table.add(
                  v.name(),
                  v.version(),
                  v.stage(),
                  String.join(",", v.aliases()),
                  v.status(),
                  v.source()));
      table.print(System.out);
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List registered models.")
  static final class ListModels extends Base {
    @Option(names = "--filter", description = "MLflow filter, e.g. \"name LIKE 'wine%'\".")
    String filter;

    @Override
    void run(ModelRegistryClient registry) {
      printModels(registry.list(filter));
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a model, or one version with its ONNX signature and lineage.")
  static final class Show extends Base {
    @Mixin NameArg name;

    @Option(
        names = {"-v", "--version"},
        description = "A version number or @alias.")
    String version;

    @Override
    void run(ModelRegistryClient registry) {
      if (version != null) {
        server.printJson(registry.details(name.get(), version));
        return;
      }
      ModelInfo m = registry.get(name.get());
      if (server.json) {
        server.printJson(m.json());
        return;
      }
      System.out.println("Name:        " + m.name());
      System.out.println("Description: " + (m.description() == null ? "" : m.description()));
      System.out.println("Aliases:     " + String.join(", ", m.aliases()));
      printVersions(registry.versions(m.name()));
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Register a new model name.")
  static final class Create extends Base {
    @Mixin NameArg name;

    @Option(names = {"-d", "--description"})
    String description;

    @Override
    void run(ModelRegistryClient registry) {
      ModelInfo m = registry.create(name.get(), description);
      if (server.json) {
        server.printJson(m.json());
      } else {
        System.out.println("Registered model '" + m.name() + "'");
      }
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Change a model's description.")
  static final class Update extends Base {
    @Mixin NameArg name;

    @Option(
        names = {"-d", "--description"},
        required = true)
    String description;

    @Override
    void run(ModelRegistryClient registry) {
      registry.update(name.get(), description);
      System.out.println("Updated model '" + name.get() + "'");
    }
  }

  @Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a model.")
  static final class Rename extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "NEW_NAME")
    String newName;

    @Override
    void run(ModelRegistryClient registry) {
      registry.rename(name, newName);
      System.out.println("Renamed model '" + name + "' to '" + newName + "'");
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a model with all its versions, or one version with --version.")
  static final class Delete extends Base {
    @Mixin NameArg name;

    @Option(
        names = {"-v", "--version"},
        description = "Delete only this version.")
    String version;

    @Override
    void run(ModelRegistryClient registry) {
      if (version != null) {
        registry.deleteVersion(name.get(), version);
        System.out.println("Deleted version " + version + " of '" + name.get() + "'");
      } else {
        registry.delete(name.get());
        System.out.println("Deleted model '" + name.get() + "'");
      }
    }
  }

  @Command(
      name = "versions",
      mixinStandardHelpOptions = true,
      description = "List a model's versions.")
  static final class Versions extends Base {
    @Mixin NameArg name;

    @Override
    void run(ModelRegistryClient registry) {
      printVersions(registry.versions(name.get()));
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description =
          "Create a new version of a model from a source: runs:/<run>/<path>,"
              + " models:/<model_id> or an artifact URI (the model is registered if new).")
  static final class Release extends Base {
    @Mixin NameArg name;

    @Option(
        names = {"-s", "--source"},
        required = true)
    String source;

    @Option(names = "--run-id")
    String runId;

    @Option(names = {"-d", "--description"})
    String description;

    @Override
    void run(ModelRegistryClient registry) {
      registry.getOrCreate(name.get());
      VersionInfo v = registry.createVersion(name.get(), source, runId, description);
      if (server.json) {
        server.printJson(v.json());
      } else {
        System.out.println("Created version " + v.version() + " of '" + v.name() + "'");
      }
    }
  }

  @Command(
      name = "alias",
      mixinStandardHelpOptions = true,
      description = "Point an alias at a version (NAME ALIAS VERSION), or remove it (--delete).")
  static final class Alias extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "ALIAS")
    String alias;

    @Parameters(index = "2", paramLabel = "VERSION", arity = "0..1")
    String version;

    @Option(names = "--delete", description = "Remove the alias.")
    boolean delete;

    @Override
    void run(ModelRegistryClient registry) {
      if (delete) {
        registry.deleteAlias(name, alias);
        System.out.println("Removed alias '" + alias + "' of '" + name + "'");
        return;
      }
      if (version == null) {
        throw CairnException.invalid("Give the VERSION the alias should point at, or --delete");
      }
      registry.setAlias(name, alias, version);
      System.out.println("'" + name + "@" + alias + "' is now version " + version);
    }
  }

  @Command(
      name = "stage",
      mixinStandardHelpOptions = true,
      description = "Move a version to a stage: None, Staging, Production or Archived.")
  static final class Stage extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "VERSION")
    String version;

    @Parameters(index = "2", paramLabel = "STAGE")
    String stage;

    @Option(names = "--archive-existing", description = "Archive the versions now in that stage.")
    boolean archive;

    @Override
    void run(ModelRegistryClient registry) {
      VersionInfo v = registry.transition(name, version, stage, archive);
      System.out.println("Version " + v.version() + " of '" + name + "' is now in " + v.stage());
    }
  }
}
