package io.cairn.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.cairn.client.DatasetsClient;
import io.cairn.client.DatasetsClient.Dataset;
import io.cairn.client.DatasetsClient.DeleteResult;
import io.cairn.client.DatasetsClient.FileEntry;
import io.cairn.client.DatasetsClient.PullResult;
import io.cairn.client.DatasetsClient.PushResult;
import io.cairn.client.DatasetsClient.Ref;
import io.cairn.client.DatasetsClient.Version;
import io.cairn.client.DatasetsClient.VersionDetails;
import io.cairn.client.PullOptions;
import io.cairn.client.PushOptions;
import io.cairn.core.error.CairnException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cairn datasets ...}: the Training Data Manager (see docs/datasets.md). */
@Command(
    name = "datasets",
    mixinStandardHelpOptions = true,
    description = "Versioned training data: push and pull files and folders, tags, diffs.",
    subcommands = {
      DatasetsCommand.Push.class,
      DatasetsCommand.Pull.class,
      DatasetsCommand.ListDatasets.class,
      DatasetsCommand.Show.class,
      DatasetsCommand.Versions.class,
      DatasetsCommand.Log.class,
      DatasetsCommand.Tag.class,
      DatasetsCommand.Diff.class,
      DatasetsCommand.Delete.class,
      DatasetsCommand.Gc.class,
      DatasetsCommand.Create.class,
      DatasetsCommand.Update.class
    })
final class DatasetsCommand {
  abstract static class Base implements Callable<Integer> {
    @Mixin ServerOptions server;

    abstract void run(DatasetsClient datasets);

    @Override
    public Integer call() {
      run(new DatasetsClient(server.client()));
      return ExitCodes.OK;
    }

    static PrintStream out() {
      return System.out;
    }
  }

  // push and pull

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description =
          "Record a file or a folder as a new version of a dataset (created on its first push)."
              + " Only contents the server does not have yet are uploaded; .git and what the"
              + " folder's .cairnignore ignores (gitignore syntax) are left out.")
  static final class Push extends Base {
    @Parameters(index = "0", paramLabel = "NAME", description = "The dataset.")
    String name;

    @Parameters(index = "1", paramLabel = "PATH", description = "A file or a folder.")
    Path path;

    @Option(
        names = {"-m", "--message"},
        description = "What changed.")
    String message;

    @Option(names = "--author", description = "Who pushed (default: the system user name).")
    String author;

    @Option(names = "--tag", paramLabel = "TAG", description = "Point this tag at the version.")
    List<String> tags = new ArrayList<>();

    @Option(
        names = "--allow-unchanged",
        description = "Make a version even when the files equal the latest version's.")
    boolean allowUnchanged;

    @Mixin Transfers transfers;

    @Option(
        names = "--rehash",
        description =
            "Hash every file again, ignoring the cache of files unchanged since the last push.")
    boolean rehash;

    @Override
    void run(DatasetsClient datasets) {
      ProgressBar bar = transfers.bar();
      PushOptions options =
          new PushOptions()
              .message(message)
              .tags(tags)
              .allowUnchanged(allowUnchanged)
              .rehash(rehash)
              .parallelism(transfers.jobs())
              .progress(bar);
      if (author != null) {
        options.author(author);
      }
      PushResult r = datasets.push(name, path, options);
      if (server.json) {
        server.printJson(snakeCase(r));
      } else {
        out().println(summary(r, tags));
      }
    }

    static String summary(PushResult r, List<String> tags) {
      String what =
          r.created()
              ? "pushed " + r.dataset() + "@" + r.version()
              : "pushed " + r.dataset() + "@" + r.version() + " (unchanged, no new version)";
      String tagged = tags.isEmpty() ? "" : "; tagged " + String.join(", ", tags);
      return what
          + ": "
          + files(r.files())
          + ", "
          + Units.bytes(r.bytesUploaded())
          + " uploaded, "
          + Units.bytes(r.bytesSkipped())
          + " already stored"
          + tagged;
    }
  }

  @Command(
      name = "pull",
      mixinStandardHelpOptions = true,
      description =
          "Write a version into a folder. Files already there with the same content are kept;"
              + " every download is checked against its sha256.")
  static final class Pull extends Base {
    @Parameters(index = "0", paramLabel = "NAME[@VERSION|@TAG]", description = "The version.")
    String ref;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "DIR",
        description = "The folder (default: ./NAME).")
    Path dir;

    @Mixin Transfers transfers;

    @Option(
        names = "--allow-git-files",
        description = "Also write files inside a .git folder (they can make git run commands).")
    boolean allowGitFiles;

    @Override
    void run(DatasetsClient datasets) {
      Path target = dir != null ? dir : Path.of(Ref.parse(ref).name());
      PullOptions options =
          new PullOptions().parallelism(transfers.jobs()).progress(transfers.bar());
      PullResult r = datasets.pull(ref, target, options.allowGitFiles(allowGitFiles));
      if (server.json) {
        server.printJson(snakeCase(r));
      } else {
        out().println(summary(r, target));
      }
    }

    static String summary(PullResult r, Path target) {
      return "pulled "
          + r.dataset()
          + "@"
          + r.version()
          + " into "
          + target
          + ": "
          + files(r.files())
          + ", "
          + r.filesDownloaded()
          + " downloaded ("
          + Units.bytes(r.bytesDownloaded())
          + "), "
          + r.filesPresent()
          + " already present";
    }
  }

  // reading

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List datasets.")
  static final class ListDatasets extends Base {
    @Option(names = "--name-contains", paramLabel = "TEXT", description = "Only names with this.")
    String nameContains;

    @Override
    void run(DatasetsClient datasets) {
      List<Dataset> list = datasets.list(nameContains);
      if (server.json) {
        server.printJson(list.stream().map(Dataset::json).toList());
        return;
      }
      Table table = new Table("NAME", "LATEST", "TAGS", "UPDATED", "LICENSE", "DESCRIPTION");
      for (Dataset d : list) {
        table.add(
            d.name(),
            d.latestVersion() == 0 ? "" : Long.toString(d.latestVersion()),
            tags(d.tags()),
            time(d.lastUpdatedTime()),
            d.license(),
            firstLine(d.description()));
      }
      table.print(out());
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show a dataset (NAME) with its versions, or a version (NAME@VERSION|@TAG|@latest) with"
              + " its files, table profiles and the runs that used it.")
  static final class Show extends Base {
    @Parameters(index = "0", paramLabel = "NAME[@VERSION|@TAG]")
    String target;

    @Override
    void run(DatasetsClient datasets) {
      Ref ref = Ref.parse(target);
      if (ref.version() == null) {
        Dataset d = datasets.get(ref.name());
        List<Version> versions = datasets.versions(ref.name());
        if (server.json) {
          Map<String, Object> both =
              Map.of(
                  "dataset", d.json(), "versions", versions.stream().map(Version::json).toList());
          server.printJson(both);
          return;
        }
        printDataset(d);
        out().println();
        printVersions(versions);
        return;
      }
      VersionDetails v = datasets.version(ref.name(), ref.apiRef());
      if (server.json) {
        server.printJson(v.json());
        return;
      }
      printVersion(v);
    }

    private static void printDataset(Dataset d) {
      JsonNode j = d.json();
      PrintStream o = out();
      o.println("Name:        " + d.name());
      o.println("Description: " + nullToEmpty(d.description()));
      o.println("License:     " + nullToEmpty(d.license()));
      o.println("Keywords:    " + String.join(", ", d.keywords()));
      if (j.path("bbox").isArray() && j.path("bbox").size() > 0) {
        List<String> b = new ArrayList<>();
        j.path("bbox").forEach(x -> b.add(x.asText()));
        o.println("Bbox:        " + String.join(", ", b));
      }
      if (j.hasNonNull("start") || j.hasNonNull("end")) {
        o.println(
            "Time:        "
                + j.path("start").asText("..")
                + " / "
                + (j.hasNonNull("end") ? j.get("end").asText() : ".."));
      }
      if (j.path("metadata").isObject() && j.path("metadata").size() > 0) {
        o.println("Metadata:    " + j.path("metadata"));
      }
      o.println("Latest:      " + (d.latestVersion() == 0 ? "(none)" : d.latestVersion()));
      o.println("Tags:        " + tags(d.tags()));
      o.println("Created:     " + time(d.createdTime()));
      o.println("Updated:     " + time(d.lastUpdatedTime()));
    }

    private static void printVersion(VersionDetails details) {
      Version v = details.version();
      PrintStream o = out();
      o.println(
          "Version:  "
              + v.dataset()
              + "@"
              + v.version()
              + (v.tags().isEmpty() ? "" : "  (tags: " + String.join(", ", v.tags()) + ")")
              + (v.deprecated() ? "  [deprecated]" : ""));
      o.println("Message:  " + nullToEmpty(v.message()));
      o.println("Author:   " + nullToEmpty(v.author()));
      o.println("Created:  " + time(v.createdTime()));
      o.println("Parent:   " + (v.parent() == null ? "(none)" : v.parent()));
      o.println("Files:    " + files((int) v.fileCount()) + ", " + Units.bytes(v.totalBytes()));
      o.println("Digest:   " + v.digest());
      o.println();
      Table files = new Table("PATH", "SIZE", "SHA256");
      for (FileEntry f : details.files()) {
        files.add(f.path(), Units.bytes(f.size()), f.sha256().substring(0, 12));
      }
      files.print(o);
      JsonNode profiles = details.json().path("profiles");
      profiles
          .properties()
          .forEach(
              e -> {
                JsonNode p = e.getValue();
                o.println();
                if (p.hasNonNull("error")) {
                  o.println(e.getKey() + ": not readable as a table: " + p.get("error").asText());
                  return;
                }
                o.println(
                    e.getKey()
                        + " ("
                        + p.path("format").asText().toLowerCase(Locale.ROOT)
                        + "): "
                        + p.path("rows").asLong()
                        + " rows, "
                        + p.path("columns").size()
                        + " columns");
                Table t =
                    new Table("COLUMN", "TYPE", "MISSING", "DISTINCT", "MIN", "MAX", "MEAN", "STD");
                for (JsonNode c : p.path("columns")) {
                  t.add(
                      c.path("name").asText(),
                      c.path("type").asText(),
                      c.path("missing").asText(),
                      c.path("distinct").asText(),
                      stat(c.path("min")),
                      stat(c.path("max")),
                      stat(c.path("mean")),
                      stat(c.path("std")));
                }
                t.print(o);
              });
      JsonNode runs = details.json().path("runs");
      JsonNode models = details.json().path("model_versions");
      if (runs.size() > 0) {
        o.println();
        Table t = new Table("USED BY RUN", "EXPERIMENT", "NAME", "CONTEXT");
        runs.forEach(
            r ->
                t.add(
                    r.path("run_id").asText(),
                    r.path("experiment_id").asText(),
                    r.path("run_name").asText(""),
                    r.path("context").asText("")));
        t.print(o);
      }
      if (models.size() > 0) {
        o.println();
        Table t = new Table("USED BY MODEL", "VERSION", "RUN");
        models.forEach(
            m ->
                t.add(
                    m.path("name").asText(),
                    m.path("version").asText(),
                    m.path("run_id").asText()));
        t.print(o);
      }
    }
  }

  @Command(
      name = "versions",
      mixinStandardHelpOptions = true,
      description = "List a dataset's versions, newest first.")
  static final class Versions extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    void run(DatasetsClient datasets) {
      List<Version> versions = datasets.versions(name);
      if (server.json) {
        server.printJson(versions.stream().map(Version::json).toList());
        return;
      }
      printVersions(versions);
    }
  }

  @Command(
      name = "log",
      mixinStandardHelpOptions = true,
      description = "A version and its ancestors, following parents, newest first.")
  static final class Log extends Base {
    @Parameters(index = "0", paramLabel = "NAME[@VERSION|@TAG]")
    String target;

    @Option(names = "--max", paramLabel = "N", description = "At most N versions.")
    Integer max;

    @Override
    void run(DatasetsClient datasets) {
      Ref ref = Ref.parse(target);
      List<Version> chain = datasets.log(ref.name(), ref.apiRef(), max);
      if (server.json) {
        server.printJson(chain.stream().map(Version::json).toList());
        return;
      }
      PrintStream o = out();
      boolean first = true;
      for (Version v : chain) {
        if (!first) {
          o.println();
        }
        first = false;
        o.println(
            "version "
                + v.version()
                + (v.tags().isEmpty() ? "" : " (" + String.join(", ", v.tags()) + ")")
                + (v.deprecated() ? " [deprecated]" : ""));
        o.println("Author: " + nullToEmpty(v.author()));
        o.println("Date:   " + time(v.createdTime()));
        o.println("Files:  " + files((int) v.fileCount()) + ", " + Units.bytes(v.totalBytes()));
        if (v.message() != null && !v.message().isBlank()) {
          o.println();
          v.message().lines().forEach(l -> o.println("    " + l));
        }
      }
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description =
          "What changed between two versions (NAME@A NAME@B; with one, from its parent): files"
              + " added, removed, renamed and changed; for tables rows, columns, types and"
              + " statistics.")
  static final class Diff extends Base {
    @Parameters(index = "0", paramLabel = "NAME@FROM")
    String from;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME@TO")
    String to;

    @Override
    void run(DatasetsClient datasets) {
      Ref a = Ref.parse(from);
      String fromRef;
      String toRef;
      if (to == null) {
        Version v = datasets.log(a.name(), a.apiRef(), 1).get(0);
        if (v.parent() == null) {
          throw CairnException.invalid(
              "%s@%d has no parent to compare with; give two versions.", a.name(), v.version());
        }
        fromRef = Long.toString(v.parent());
        toRef = Long.toString(v.version());
      } else {
        Ref b = Ref.parse(to);
        if (!a.name().equals(b.name())) {
          throw CairnException.invalid(
              "diff compares two versions of one dataset; got '%s' and '%s'.", a.name(), b.name());
        }
        fromRef = a.apiRef();
        toRef = b.apiRef();
      }
      JsonNode diff = datasets.diff(a.name(), fromRef, toRef);
      if (server.json) {
        server.printJson(diff);
        return;
      }
      DiffText.print(diff, out());
    }
  }

  // writing

  @Command(
      name = "tag",
      mixinStandardHelpOptions = true,
      description = "Point a tag at a version (NAME@REF TAG), or remove it (--delete NAME TAG).")
  static final class Tag extends Base {
    @Parameters(index = "0", paramLabel = "NAME@REF")
    String target;

    @Parameters(index = "1", paramLabel = "TAG")
    String tag;

    @Option(names = "--delete", description = "Remove the tag.")
    boolean delete;

    @Override
    void run(DatasetsClient datasets) {
      Ref ref = Ref.parse(target);
      if (delete) {
        if (ref.version() != null) {
          throw CairnException.invalid("Remove a tag with: tag --delete NAME TAG");
        }
        datasets.deleteTag(ref.name(), tag);
        if (server.json) {
          server.printJson(Map.of("dataset", ref.name(), "tag", tag, "deleted", true));
        } else {
          out().println("Removed tag '" + tag + "' of '" + ref.name() + "'");
        }
        return;
      }
      Version v = datasets.setTag(ref.name(), tag, ref.version());
      if (server.json) {
        server.printJson(v.json());
      } else {
        out().println("'" + ref.name() + "@" + tag + "' is now version " + v.version());
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description =
          "Delete a version (NAME@VERSION) or a whole dataset (NAME), freeing contents no other"
              + " version holds. Versions that runs or model versions used are deprecated and"
              + " kept unless --force.")
  static final class Delete extends Base {
    @Parameters(index = "0", paramLabel = "NAME[@VERSION]")
    String target;

    @Option(names = "--force", description = "Delete versions even when runs used them.")
    boolean force;

    @Override
    void run(DatasetsClient datasets) {
      Ref ref = Ref.parse(target);
      DeleteResult r =
          ref.version() == null
              ? datasets.delete(ref.name(), force)
              : datasets.deleteVersion(ref.name(), ref.version(), force);
      if (server.json) {
        server.printJson(r.json());
        return;
      }
      out().println(summary(ref, r));
    }

    static String summary(Ref ref, DeleteResult r) {
      String freed = "freed " + contents(r.freedBlobs()) + " (" + Units.bytes(r.freedBytes()) + ")";
      String kept = r.deprecated().stream().map(String::valueOf).collect(Collectors.joining(", "));
      if (ref.version() != null) {
        if (r.deleted()) {
          return "Deleted " + ref + "; " + freed;
        }
        return "Kept "
            + ref.name()
            + "@"
            + kept
            + ", now deprecated: runs or model versions used it (--force deletes it anyway)";
      }
      if (r.deleted()) {
        return "Deleted dataset '" + ref.name() + "'; " + freed;
      }
      return "Kept dataset '"
          + ref.name()
          + "': "
          + (r.deprecated().size() == 1 ? "version " : "versions ")
          + kept
          + " deprecated and kept because runs or model versions used them (--force deletes"
          + " them anyway); the other versions were deleted; "
          + freed;
    }
  }

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description =
          "Free stored contents that no version holds (e.g. from pushes that never committed)"
              + " and that nobody touched for the grace period.")
  static final class Gc extends Base {
    @Option(
        names = "--grace",
        defaultValue = "1h",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Leave contents touched this recently: 0, 30s, 10m, 2h (default 1h).")
    long graceSeconds;

    @Override
    void run(DatasetsClient datasets) {
      DatasetsClient.GcResult r = datasets.gc(graceSeconds);
      if (server.json) {
        server.printJson(snakeCase(r));
      } else {
        out()
            .println(
                "Freed " + contents(r.freedBlobs()) + " (" + Units.bytes(r.freedBytes()) + ")");
      }
    }
  }

  /** The fields of create and update. */
  static final class FieldOptions {
    @Option(names = "--description", paramLabel = "TEXT")
    String description;

    @Option(names = "--license", paramLabel = "SPDX", description = "e.g. CC-BY-4.0.")
    String license;

    @Option(names = "--keyword", paramLabel = "WORD", description = "Repeat for several.")
    List<String> keywords;

    @Option(
        names = "--bbox",
        paramLabel = "W,S,E,N",
        converter = BboxConverter.class,
        description = "Spatial extent in WGS 84 degrees: west,south,east,north.")
    List<Double> bbox;

    @Option(
        names = "--start",
        paramLabel = "TIME",
        description = "RFC 3339, e.g. 2023-01-01T00:00:00Z.")
    String start;

    @Option(names = "--end", paramLabel = "TIME", description = "RFC 3339.")
    String end;

    @Option(
        names = "--metadata",
        paramLabel = "JSON",
        converter = JsonObjectConverter.class,
        description = "Free metadata, a JSON object.")
    JsonNode metadata;

    DatasetsClient.Fields fields() {
      return new DatasetsClient.Fields(description, license, keywords, bbox, start, end, metadata);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a dataset.")
  static final class Create extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin FieldOptions fields;

    @Override
    void run(DatasetsClient datasets) {
      Dataset d = datasets.create(name, fields.fields());
      if (server.json) {
        server.printJson(d.json());
      } else {
        out().println("Created dataset '" + d.name() + "'");
      }
    }
  }

  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      description = "Change a dataset's description; fields not given stay.")
  static final class Update extends Base {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Mixin FieldOptions fields;

    @Override
    void run(DatasetsClient datasets) {
      Dataset d = datasets.update(name, fields.fields());
      if (server.json) {
        server.printJson(d.json());
      } else {
        out().println("Updated dataset '" + d.name() + "'");
      }
    }
  }

  // converters

  /** {@code 0}, {@code 30s}, {@code 10m}, {@code 2h} to seconds. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Units.seconds(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code W,S,E,N} (or 6 numbers with heights) to a list of numbers. */
  static final class BboxConverter implements CommandLine.ITypeConverter<List<Double>> {
    @Override
    public List<Double> convert(String value) {
      List<Double> out = new ArrayList<>();
      try {
        for (String part : value.split(",")) {
          out.add(Double.parseDouble(part.trim()));
        }
      } catch (NumberFormatException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a bbox: give west,south,east,north in degrees");
      }
      if (out.size() != 4 && out.size() != 6) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a bbox: give 4 numbers (west,south,east,north) or 6");
      }
      return out;
    }
  }

  /** A JSON object. */
  static final class JsonObjectConverter implements CommandLine.ITypeConverter<JsonNode> {
    @Override
    public JsonNode convert(String value) {
      JsonNode node;
      try {
        node = new ObjectMapper().readTree(value);
      } catch (IOException e) {
        throw new CommandLine.TypeConversionException("--metadata is not valid JSON: " + value);
      }
      if (node == null || !node.isObject()) {
        throw new CommandLine.TypeConversionException(
            "--metadata must be a JSON object, like '{\"source\": \"UCI\"}'");
      }
      return node;
    }
  }

  // text

  /** A result record as JSON with the API's snake_case names. */
  static JsonNode snakeCase(Object record) {
    return new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .valueToTree(record);
  }

  static void printVersions(List<Version> versions) {
    Table table = new Table("VERSION", "CREATED", "AUTHOR", "FILES", "SIZE", "TAGS", "MESSAGE");
    for (Version v : versions) {
      table.add(
          v.version() + (v.deprecated() ? " (deprecated)" : ""),
          time(v.createdTime()),
          v.author(),
          Long.toString(v.fileCount()),
          Units.bytes(v.totalBytes()),
          String.join(",", v.tags()),
          firstLine(v.message()));
    }
    table.print(Base.out());
  }

  static String files(int n) {
    return n == 1 ? "1 file" : n + " files";
  }

  static String contents(long n) {
    return n == 1 ? "1 content" : n + " contents";
  }

  static String tags(Map<String, Long> tags) {
    return tags.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  static String time(long millis) {
    return millis <= 0 ? "" : Instant.ofEpochMilli(millis).toString();
  }

  static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.lines().findFirst().orElse("");
    return line.length() > 60 ? line.substring(0, 57) + "..." : line;
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  static String stat(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) {
      return "";
    }
    if (n.isNumber() && !n.isIntegralNumber()) {
      return DiffText.number(n.asDouble());
    }
    return n.asText();
  }
}
