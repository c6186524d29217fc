package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.client.CairnClient;
import io.cairn.client.DatasetsClient;
import io.cairn.client.ProgressListener;
import io.cairn.client.PushOptions;
import io.cairn.server.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn datasets} end to end against the real server (SQLite and a local artifact folder):
 * push, unchanged push, a second version, pulls into empty and partly filled folders, diff, tags,
 * delete, gc, a corrupted blob, lineage and descriptions.
 */
class DatasetsCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private record Result(int code, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out + err, e);
      }
    }
  }

  private static Result run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Runs a command against the server and expects it to succeed. */
  private static Result ok(ServerFixture server, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--url";
    all[args.length + 1] = server.url();
    Result r = run(all);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isZero();
    return r;
  }

  private static Result fails(ServerFixture server, int code, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--url";
    all[args.length + 1] = server.url();
    Result r = run(all);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r.out() + r.err()).isEqualTo(code);
    return r;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Every file under a folder by '/'-path, with its sha256. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString().replace('\\', '/'), sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
  }

  private static byte[] random(long seed, int size) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String csv(int rows, int changedRows, int extraRows) {
    StringBuilder sb = new StringBuilder("id,alcohol,quality,color\n");
    for (int i = 0; i < rows + extraRows; i++) {
      double alcohol = 8 + (i * 37 % 70) / 10.0;
      if (i < changedRows) {
        alcohol += 100;
      }
      sb.append(i)
          .append(',')
          .append(alcohol)
          .append(',')
          .append(i % 7 + 3)
          .append(',')
          .append(i % 3 == 0 ? "red" : "white")
          .append('\n');
    }
    return sb.toString();
  }

  /** ~2000 small files (some with equal contents), three binaries of a few MB, two tables. */
  private static void makeVersion1(Path data) throws IOException {
    for (int i = 0; i < 2000; i++) {
      String text = i % 500 == 0 ? "same content\n" : "file " + i + "\n";
      write(
          data.resolve("small/d" + (i % 40) + "/f" + i + ".txt"),
          text.getBytes(StandardCharsets.UTF_8));
    }
    write(data.resolve("bin/a.bin"), random(1, 3 << 20));
    write(data.resolve("bin/b.bin"), random(2, 5 << 20));
    write(data.resolve("bin/c.bin"), random(3, 2 << 20));
    write(data.resolve("tables/train.csv"), csv(100_000, 0, 0).getBytes(StandardCharsets.UTF_8));
    write(data.resolve("tables/small.csv"), "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pushPullDiffTagDeleteGc() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));
      Path data = dir.resolve("wine");
      makeVersion1(data);
      Map<String, String> v1 = tree(data);
      long v1Bytes = 0;
      for (String p : v1.keySet()) {
        v1Bytes += Files.size(data.resolve(p));
      }

      // first push: everything but the duplicate contents is uploaded
      Result first =
          ok(
              server,
              "datasets",
              "push",
              "wine",
              data.toString(),
              "-m",
              "first",
              "--tag",
              "raw",
              "--quiet");
      assertThat(first.out().strip())
          .startsWith("pushed wine@1: 2005 files, ")
          .endsWith("already stored; tagged raw");
      DatasetsClient.Version version1 = client.latest("wine");
      assertThat(version1.fileCount()).isEqualTo(2005);
      assertThat(version1.totalBytes()).isEqualTo(v1Bytes);
      assertThat(version1.message()).isEqualTo("first");
      assertThat(version1.author()).isEqualTo(System.getProperty("user.name"));
      assertThat(version1.tags()).containsExactly("raw");

      // the same files again: nothing uploaded, no version
      JsonNode again = ok(server, "datasets", "push", "wine", data.toString(), "--json").json();
      assertThat(again.path("version").asLong()).isEqualTo(1);
      assertThat(again.path("created").asBoolean()).isFalse();
      assertThat(again.path("bytes_uploaded").asLong()).isZero();
      assertThat(again.path("bytes_skipped").asLong()).isEqualTo(v1Bytes);
      assertThat(ok(server, "datasets", "push", "wine", data.toString(), "-q").out())
          .contains("pushed wine@1 (unchanged, no new version): 2005 files, 0 B uploaded");

      // version 2: a binary and the tables change, a file is added, five removed, one moved
      byte[] b = Files.readAllBytes(data.resolve("bin/b.bin"));
      for (int i = 0; i < 1000; i++) {
        b[i * 17] ^= 0x5a;
      }
      Files.write(data.resolve("bin/b.bin"), b);
      Files.writeString(data.resolve("tables/train.csv"), csv(100_000, 10, 50));
      Files.writeString(data.resolve("tables/small.csv"), "a,b,c\nx,2,5\n3,4,6\n");
      write(data.resolve("new/readme.md"), "# wine\n".getBytes(StandardCharsets.UTF_8));
      for (int i = 1001; i <= 1005; i++) {
        Files.delete(data.resolve("small/d" + (i % 40) + "/f" + i + ".txt"));
      }
      Files.createDirectories(data.resolve("moved"));
      Files.move(data.resolve("small/d1/f1.txt"), data.resolve("moved/f1.txt"));
      Map<String, String> v2 = tree(data);
      long changedBytes =
          Files.size(data.resolve("bin/b.bin"))
              + Files.size(data.resolve("tables/train.csv"))
              + Files.size(data.resolve("tables/small.csv"))
              + Files.size(data.resolve("new/readme.md"));

      JsonNode second =
          ok(
                  server,
                  "datasets",
                  "push",
                  "wine",
                  data.toString(),
                  "-m",
                  "second",
                  "--jobs",
                  "3",
                  "--json")
              .json();
      assertThat(second.path("version").asLong()).isEqualTo(2);
      assertThat(second.path("created").asBoolean()).isTrue();
      assertThat(second.path("files").asInt()).isEqualTo(2001);
      assertThat(second.path("files_uploaded").asInt()).isEqualTo(4);
      assertThat(second.path("bytes_uploaded").asLong()).isEqualTo(changedBytes);
      assertThat(client.latest("wine").parent()).isEqualTo(1);

      // pull version 1 into an empty folder: exactly version 1's files
      Path out1 = dir.resolve("out1");
      Result pulled1 = ok(server, "datasets", "pull", "wine@1", out1.toString(), "--quiet");
      assertThat(pulled1.out())
          .contains(
              "pulled wine@1 into " + out1 + ": 2005 files, 2005 downloaded (",
              "0 already present");
      assertThat(tree(out1)).isEqualTo(v1);

      // pull the latest into a folder holding most of it: only what differs is downloaded
      Path out2 = dir.resolve("out2");
      ok(server, "datasets", "pull", "wine@raw", out2.toString(), "-q"); // version 1 first
      Files.delete(out2.resolve("small/d7/f7.txt"));
      Files.writeString(out2.resolve("small/d8/f8.txt"), "file 8\n"); // same content, kept
      Files.writeString(out2.resolve("small/d9/f9.txt"), "FILE 9\n"); // same size, other content
      JsonNode pulled2 = ok(server, "datasets", "pull", "wine", out2.toString(), "--json").json();
      assertThat(pulled2.path("version").asLong()).isEqualTo(2);
      // b.bin, train.csv, small.csv, readme.md, moved/f1.txt, f7 (deleted), f9 (changed)
      assertThat(pulled2.path("files_downloaded").asInt()).isEqualTo(7);
      assertThat(pulled2.path("files_present").asInt()).isEqualTo(2001 - 7);
      Map<String, String> got = tree(out2);
      got.keySet().removeIf(p -> !v2.containsKey(p)); // files version 2 removed stay, untouched
      assertThat(got).isEqualTo(v2);
      JsonNode again2 = ok(server, "datasets", "pull", "wine@2", out2.toString(), "--json").json();
      assertThat(again2.path("files_downloaded").asInt()).isZero();
      assertThat(again2.path("bytes_downloaded").asLong()).isZero();

      // diff: files and the table's rows, columns, types and statistics
      Result diff = ok(server, "datasets", "diff", "wine@1", "wine@2");
      assertThat(diff.out())
          .contains(
              "wine@1 -> wine@2: 1 added, 5 removed, 1 renamed, 3 changed, 1996 unchanged",
              "  + new/readme.md  (7 B)",
              "  - small/d1/f1001.txt  (10 B)",
              "  R small/d1/f1.txt -> moved/f1.txt",
              "  M bin/b.bin",
              "  M tables/train.csv",
              "rows 100000 -> 100050 (+60 added, -10 removed)",
              "  M tables/small.csv",
              "columns added: c",
              "type of a:",
              "alcohol");
      assertThat(ok(server, "datasets", "diff", "wine@2").out()).contains("wine@1 -> wine@2");
      JsonNode diffJson =
          ok(server, "datasets", "diff", "wine@raw", "wine@latest", "--json").json();
      assertThat(diffJson.path("renamed")).hasSize(1);

      // tags
      assertThat(ok(server, "datasets", "tag", "wine@1", "gold").out())
          .contains("'wine@gold' is now version 1");
      assertThat(ok(server, "datasets", "show", "wine@gold").out())
          .contains(
              "Version:  wine@1", "raw", "gold", "tables/train.csv (csv): 100000 rows, 4 columns");
      assertThat(ok(server, "datasets", "tag", "wine", "newest").out())
          .contains("is now version 2");
      ok(server, "datasets", "tag", "--delete", "wine", "gold");
      fails(server, ExitCodes.NOT_FOUND, "datasets", "show", "wine@gold");
      fails(server, ExitCodes.INVALID, "datasets", "tag", "wine@1", "42");

      // reading
      assertThat(ok(server, "datasets", "list").out())
          .contains("NAME", "wine", "newest=2", "raw=1");
      assertThat(ok(server, "datasets", "versions", "wine").out())
          .contains("VERSION", "second", "first");
      assertThat(ok(server, "datasets", "log", "wine").out())
          .contains("version 2 (newest)", "version 1 (raw)", "    second");
      assertThat(ok(server, "datasets", "show", "wine").out())
          .contains("Name:        wine", "Latest:      2");

      // delete version 1: contents only it held are freed (b.bin, both tables, five files)
      Result deleted = ok(server, "datasets", "delete", "wine@1");
      assertThat(deleted.out()).contains("Deleted wine@1; freed 8 contents (");
      fails(
          server,
          ExitCodes.NOT_FOUND,
          "datasets",
          "pull",
          "wine@1",
          dir.resolve("gone").toString());

      // gc: an upload that never committed is freed once the grace period is over
      Path stray = dir.resolve("stray.bin");
      Files.write(stray, random(9, 12345));
      client.uploadBlob(sha256(Files.readAllBytes(stray)), stray, "stray.bin");
      assertThat(ok(server, "datasets", "gc").out()).contains("Freed 0 contents (0 B)");
      assertThat(ok(server, "datasets", "gc", "--grace", "10m").out()).contains("Freed 0 contents");
      assertThat(ok(server, "datasets", "gc", "--grace", "0").out())
          .contains("Freed 1 content (12.3 kB)");
      fails(server, ExitCodes.USAGE, "datasets", "gc", "--grace", "5x");
      assertThat(ok(server, "datasets", "gc", "--json").json().path("freed_blobs").asLong())
          .isZero();

      // version 2 still pulls whole
      Path out3 = dir.resolve("out3");
      ok(server, "datasets", "pull", "wine", out3.toString(), "-q");
      assertThat(tree(out3)).isEqualTo(v2);
    }
  }

  @Test
  void pull_refusesACorruptedBlobNamingTheFile() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      Path data = dir.resolve("data");
      write(data.resolve("ok.txt"), "fine\n".getBytes(StandardCharsets.UTF_8));
      write(data.resolve("sub/victim.bin"), random(5, 300_000));
      ok(server, "datasets", "push", "corrupt", data.toString(), "-q");
      String sha = sha256(Files.readAllBytes(data.resolve("sub/victim.bin")));
      Path blob =
          server
              .dataDir
              .resolve("artifacts/.cairn-datasets/sha256")
              .resolve(sha.substring(0, 2))
              .resolve(sha);
      assertThat(blob).exists();
      byte[] bad = random(6, 300_000);
      Files.write(blob, bad);

      Path out = dir.resolve("out");
      Result r =
          fails(server, ExitCodes.FAILED, "datasets", "pull", "corrupt", out.toString(), "-q");
      assertThat(r.err())
          .contains(
              "cairn: file sub/victim.bin is corrupted on the server: expected sha256 "
                  + sha
                  + ", got "
                  + sha256(bad));
      assertThat(out.resolve("sub/victim.bin")).doesNotExist();
      try (Stream<Path> s = Files.walk(out)) {
        assertThat(s.map(p -> p.getFileName().toString()))
            .noneMatch(n -> n.startsWith(".cairn-pull-"));
      }
    }
  }

  @Test
  void singleFile_descriptions_lineageKeepsUsedVersions() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      CairnClient cairn = new CairnClient(server.url());
      ok(
          server,
          "datasets",
          "create",
          "geo",
          "--description",
          "Land cover",
          "--license",
          "CC-BY-4.0",
          "--keyword",
          "landcover",
          "--keyword",
          "europe",
          "--bbox",
          "-10.5,35,30,70",
          "--start",
          "2023-01-01T00:00:00Z",
          "--end",
          "2023-12-31T00:00:00Z",
          "--metadata",
          "{\"source\": \"ESA\"}");
      fails(server, ExitCodes.INVALID, "datasets", "create", "geo");
      fails(server, ExitCodes.USAGE, "datasets", "create", "geo2", "--bbox", "1,2,3");
      fails(server, ExitCodes.USAGE, "datasets", "create", "geo2", "--metadata", "[1]");
      ok(server, "datasets", "update", "geo", "--description", "Land cover of Europe");
      Result shown = ok(server, "datasets", "show", "geo");
      assertThat(shown.out())
          .contains(
              "Description: Land cover of Europe",
              "License:     CC-BY-4.0",
              "Keywords:    landcover, europe",
              "Bbox:        -10.5, 35.0, 30.0, 70.0",
              "2023-01-01T00:00:00Z",
              "\"source\":\"ESA\"",
              "Latest:      (none)");

      // a single file becomes a dataset of that one file
      Path file = dir.resolve("tiles.csv");
      Files.writeString(file, "tile,cover\n1,forest\n2,water\n");
      assertThat(ok(server, "datasets", "push", "geo", file.toString(), "-q").out())
          .startsWith("pushed geo@1: 1 file, 28 B uploaded, 0 B already stored");
      Files.writeString(file, "tile,cover\n1,forest\n2,urban\n");
      ok(server, "datasets", "push", "geo", file.toString(), "-q");
      assertThat(new DatasetsClient(cairn).version("geo", "1").files())
          .extracting(DatasetsClient.FileEntry::path)
          .containsExactly("tiles.csv");

      // a run trains on geo@1: deleting it deprecates and keeps it
      String exp = cairn.createExperiment("geo-exp");
      String run =
          cairn
              .post(
                  "/api/2.0/mlflow/runs/create",
                  cairn.mapper().createObjectNode().put("experiment_id", exp))
              .at("/run/info/run_id")
              .asText();
      ObjectNode inputs = cairn.mapper().createObjectNode().put("run_id", run);
      ObjectNode input = inputs.putArray("datasets").addObject();
      input.putArray("tags").addObject().put("key", "mlflow.data.context").put("value", "training");
      input
          .putObject("dataset")
          .put("name", "geo")
          .put("digest", "d1")
          .put("source_type", "http")
          .put("source", "{\"uri\": \"datasets:/geo/1\"}");
      cairn.post("/api/2.0/mlflow/runs/log-inputs", inputs);
      assertThat(ok(server, "datasets", "show", "geo@1").out())
          .contains("USED BY RUN", run, "training");

      assertThat(ok(server, "datasets", "delete", "geo@1").out())
          .contains("Kept geo@1, now deprecated: runs or model versions used it");
      assertThat(ok(server, "datasets", "versions", "geo").out()).contains("1 (deprecated)");
      Result whole = ok(server, "datasets", "delete", "geo");
      assertThat(whole.out()).contains("Kept dataset 'geo': version 1 deprecated and kept");
      assertThat(ok(server, "datasets", "versions", "geo").out()).doesNotContain("\n2 ");
      assertThat(ok(server, "datasets", "delete", "geo", "--force").out())
          .contains("Deleted dataset 'geo'; freed 1 content (28 B)");
      fails(server, ExitCodes.NOT_FOUND, "datasets", "show", "geo");
    }
  }

  @Test
  void push_uploadsAgainContentFreedBetweenAskingAndCommitting() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));
      Path a = dir.resolve("a");
      write(a.resolve("shared.bin"), random(7, 100_000));
      ok(server, "datasets", "push", "first", a.toString(), "-q");
      Path b = dir.resolve("b");
      write(b.resolve("shared.bin"), random(7, 100_000));
      write(b.resolve("new.txt"), "new".getBytes(StandardCharsets.UTF_8));
      // once the server has said it holds shared.bin, the only version holding it goes away
      ProgressListener deleteMeanwhile =
          new ProgressListener() {
            private boolean done;

            @Override
            public void begin(String phase, int files, long totalBytes) {
              if (phase.equals("uploading") && !done) {
                done = true;
                assertThat(client.deleteVersion("first", "1", false).freedBlobs()).isEqualTo(1);
              }
            }
          };
      DatasetsClient.PushResult r =
          client.push("second", b, new PushOptions().progress(deleteMeanwhile));
      assertThat(r.created()).isTrue();
      assertThat(r.filesUploaded())
          .isEqualTo(2); // new.txt, then shared.bin after the commit failed
      assertThat(r.bytesUploaded()).isEqualTo(100_003);
      Path out = dir.resolve("out");
      ok(server, "datasets", "pull", "second", out.toString(), "-q");
      assertThat(tree(out)).isEqualTo(tree(b));
    }
  }

  @Test
  void oddFileNames_roundTrip() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      Path data = dir.resolve("odd");
      List<String> names =
          List.of(
              "a b+c.txt",
              "100%.txt",
              "hash#tag.txt",
              "what?.txt",
              "semi;colon=eq&amp.txt",
              "ünïcödé/日本語.txt",
              "quote'\"s.txt",
              "tilde~star*.txt",
              ".hidden/.env");
      for (String n : names) {
        write(data.resolve(n), ("content of " + n).getBytes(StandardCharsets.UTF_8));
      }
      ok(server, "datasets", "push", "odd", data.toString(), "-q");
      Path out = dir.resolve("out");
      JsonNode pulled = ok(server, "datasets", "pull", "odd", out.toString(), "--json").json();
      assertThat(pulled.path("files_downloaded").asInt()).isEqualTo(names.size());
      assertThat(tree(out)).isEqualTo(tree(data));
    }
  }

  @Test
  void badInput_exitCodes() {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      fails(server, ExitCodes.NOT_FOUND, "datasets", "push", "x", dir.resolve("nope").toString());
      fails(server, ExitCodes.INVALID, "datasets", "push", "bad name", dir.toString());
      fails(
          server, ExitCodes.NOT_FOUND, "datasets", "pull", "nothing", dir.resolve("o").toString());
      fails(server, ExitCodes.INVALID, "datasets", "diff", "a@1", "b@2");
      fails(server, ExitCodes.USAGE, "datasets", "tag", "a@1");
    }
    Result down = run("datasets", "list", "--url", "http://127.0.0.1:1");
    assertThat(down.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(List.of(down.err())).anyMatch(e -> e.contains("Cannot reach the Cairn server"));
  }
}
