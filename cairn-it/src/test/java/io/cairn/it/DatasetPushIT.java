package io.cairn.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn datasets push} and {@code pull} as users run them, against the real cairn.jar: a
 * push killed with SIGKILL midway (the client, then the server) leaves no version, and running it
 * again uploads only what is still missing; a pull verifies every file and names the one whose
 * stored content was corrupted.
 */
class DatasetPushIT {
  private static final int FILES = 120;
  private static final int FILE_BYTES = 1 << 20;
  private static final List<String> JVM = List.of("-Xmx256m");

  @TempDir Path dir;

  @Test
  void killedPush_leavesNoVersion_andResumes_thenPullVerifiesEveryFile() throws Exception {
    Path data = dir.resolve("data");
    Path folder = makeFolder(dir.resolve("images"));
    List<String> digests = digests(folder);
    try (ServerProcess server = ServerProcess.start(data, JVM, List.of())) {
      Http http = new Http(server.url());

      // 1. The client dies midway.
      Process push = cli(server.url(), "datasets", "push", "images", folder.toString(), "-j", "1");
      long stored = waitUntilStored(http, digests, FILES / 4, push);
      push.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      assertThat(stored).as("contents stored before the kill").isBetween(1L, FILES - 1L);
      assertThat(http.get("/api/cairn/v1/datasets/images").status())
          .as("no dataset, no version, after a push that never committed")
          .isEqualTo(404);

      // 2. Running it again uploads only the rest.
      JsonNode resumed = pushJson(server.url(), folder);
      assertThat(resumed.get("created").asBoolean()).isTrue();
      assertThat(resumed.get("version").asLong()).isEqualTo(1);
      long total = (long) FILES * FILE_BYTES;
      assertThat(resumed.get("bytes_uploaded").asLong())
          .as("bytes uploaded by the resumed push")
          .isLessThan(total)
          .isEqualTo(total - resumed.get("bytes_skipped").asLong());

      // 3. Unchanged: nothing sent, no version.
      JsonNode again = pushJson(server.url(), folder);
      assertThat(again.get("created").asBoolean()).isFalse();
      assertThat(again.get("bytes_uploaded").asLong()).isZero();

      // 4. Pull verifies and reproduces every file.
      Path copy = dir.resolve("copy");
      assertThat(run(cli(server.url(), "datasets", "pull", "images@1", copy.toString()))).isZero();
      for (String name : fileNames(folder)) {
        assertThat(Files.mismatch(folder.resolve(name), copy.resolve(name))).isEqualTo(-1L);
      }

      // 5. A corrupted content is named on pull.
      String victim = digests.get(7);
      Path blob =
          data.resolve("artifacts/.cairn-datasets/sha256")
              .resolve(victim.substring(0, 2))
              .resolve(victim);
      byte[] bytes = Files.readAllBytes(blob);
      bytes[100] ^= 1;
      Files.write(blob, bytes);
      Process pull = cli(server.url(), "datasets", "pull", "images", dir.resolve("c2").toString());
      String output = new String(pull.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(pull.waitFor()).isNotZero();
      assertThat(output).contains(fileNames(folder).get(7)).containsIgnoringCase("corrupt");
      assertThat(Files.exists(dir.resolve("c2").resolve(fileNames(folder).get(7)))).isFalse();
    }
  }

  @Test
  void serverKilledMidPush_thePushResumesAfterRestart() throws Exception {
    Path data = dir.resolve("data");
    Path folder = makeFolder(dir.resolve("scans"));
    List<String> digests = digests(folder);
    Process push;
    try (ServerProcess first = ServerProcess.start(data, JVM, List.of())) {
      Http http = new Http(first.url());
      push = cli(first.url(), "datasets", "push", "scans", folder.toString(), "-j", "2");
      waitUntilStored(http, digests, FILES / 4, push);
      assertThat(first.killHard()).isEqualTo(137);
    }
    assertThat(push.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(push.exitValue()).as("a push whose server died fails").isNotZero();
    try (ServerProcess second = ServerProcess.start(data, JVM, List.of())) {
      Http http = new Http(second.url());
      assertThat(http.get("/api/cairn/v1/datasets/scans").status()).isEqualTo(404);
      JsonNode resumed = pushJson(second.url(), folder);
      assertThat(resumed.get("version").asLong()).isEqualTo(1);
      assertThat(resumed.get("bytes_skipped").asLong()).isPositive();
      JsonNode version = Http.ok(http.get("/api/cairn/v1/datasets/scans/versions/1"));
      assertThat(version.get("files")).hasSize(FILES);
    }
  }

  private static long waitUntilStored(Http http, List<String> digests, int atLeast, Process push)
      throws Exception {
    ArrayNode list = Http.JSON.createArrayNode();
    digests.forEach(list::add);
    String body = Http.JSON.createObjectNode().set("sha256", list).toString();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      JsonNode missing = Http.ok(http.post("/api/cairn/v1/datasets/blobs/missing", body));
      long stored = digests.size() - missing.get("missing").size();
      if (stored >= atLeast) {
        return stored;
      }
      if (!push.isAlive()) {
        throw new AssertionError(
            "the push ended before it could be killed:\n"
                + new String(push.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the push stored fewer than " + atLeast + " contents in 120 s");
  }

  private static JsonNode pushJson(String url, Path folder) throws Exception {
    Process push =
        cli(url, "datasets", "push", folder.getFileName().toString(), folder.toString(), "--json");
    String out = new String(push.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(push.waitFor()).as(out).isZero();
    return Http.JSON.readTree(out.substring(out.indexOf('{')));
  }

  private static int run(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    if (code != 0) {
      System.out.println(out);
    }
    return code;
  }

  private static Process cli(String url, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-jar", ServerProcess.jar().toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--url", url));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    return builder.start();
  }

  private static Path makeFolder(Path folder) throws IOException {
    Random random = new Random(42);
    byte[] buffer = new byte[FILE_BYTES];
    for (int i = 0; i < FILES; i++) {
      Path file = folder.resolve(String.format("part-%02d/img-%04d.bin", i % 10, i));
      Files.createDirectories(file.getParent());
      random.nextBytes(buffer);
      try (OutputStream out = Files.newOutputStream(file)) {
        out.write(buffer);
      }
    }
    return folder;
  }

  private static List<String> fileNames(Path folder) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      names.add(String.format("part-%02d/img-%04d.bin", i % 10, i));
    }
    return names;
  }

  private static List<String> digests(Path folder) throws Exception {
    List<String> out = new ArrayList<>();
    for (String name : fileNames(folder)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      out.add(HexFormat.of().formatHex(md.digest(Files.readAllBytes(folder.resolve(name)))));
    }
    return out;
  }
}
