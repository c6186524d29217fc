package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.client.CairnClient;
import io.cairn.client.DatasetsClient;
import io.cairn.client.DatasetsClient.FileEntry;
import io.cairn.client.PullOptions;
import io.cairn.server.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn datasets push} and {@code pull} around git work trees, against the real server: a
 * push of a work tree (with a worktree's {@code .git} file in a subfolder) leaves git's files and
 * what {@code .cairnignore} ignores out and says so; a pull of a version that a hostile author
 * committed with {@code .git/config} through the API is refused before anything is written, unless
 * {@code --allow-git-files}.
 */
class DatasetsGitCliTest {
  private static final String TOKEN = "ghp_secretTokenInTheRemoteUrl";
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(ServerFixture server, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", server.url()));
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(all.toArray(String[]::new));
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  /** Runs git in {@code work} with no user or system configuration. */
  private String git(Path work, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    Map<String, String> env = pb.environment();
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.toString());
    pb.redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      Assumptions.abort("git is not installed: " + e.getMessage());
      throw e;
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  /** A git work tree with a remote whose URL holds a token, a commit, and files to ignore. */
  private Path workTree() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    git(work, "init", "-q", ".");
    git(work, "remote", "add", "origin", "https://me:" + TOKEN + "@example.com/team/data.git");
    Files.writeString(work.resolve("train.csv"), "id,label\n1,a\n2,b\n");
    Files.createDirectories(work.resolve("images"));
    Files.writeString(work.resolve("images/cat.bin"), "meow");
    Files.writeString(work.resolve("scratch.tmp"), "scratch");
    Files.writeString(work.resolve("images/keep.tmp"), "kept by a negation");
    Files.createDirectories(work.resolve("cache/x"));
    Files.writeString(work.resolve("cache/x/big.bin"), "cached");
    // a linked worktree or a submodule has a .git FILE pointing at the real folder
    Files.createDirectories(work.resolve("sub"));
    Files.writeString(work.resolve("sub/.git"), "gitdir: ../.git/modules/sub\n");
    Files.writeString(work.resolve("sub/notes.md"), "notes");
    Files.writeString(work.resolve(".cairnignore"), "# not data\n*.tmp\n!keep.tmp\n/cache/\n");
    git(work, "add", "train.csv");
    git(work, "-c", "user.name=t", "-c", "user.email=t@x", "commit", "-q", "-m", "first");
    return work;
  }

  @Test
  void push_ofAGitWorkTree_leavesOutGitAndWhatCairnignoreIgnores_andSaysSo() throws Exception {
    Path work = workTree();
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      Result r = run(server, "datasets", "push", "repo", work.toString(), "-q");

      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.err()).contains("skipped 1 file and 1 folder by .cairnignore, .git/ excluded");
      assertThat(r.out()).startsWith("pushed repo@1: 4 files");
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));
      assertThat(client.version("repo", "1").files())
          .extracting(FileEntry::path)
          .containsExactly("images/cat.bin", "images/keep.tmp", "sub/notes.md", "train.csv");
      // the token of the remote's URL never reached the server
      Path got = dir.resolve("got");
      client.pull("repo@1", got, new PullOptions());
      for (FileEntry f : client.version("repo", "1").files()) {
        assertThat(Files.readString(got.resolve(f.path()))).doesNotContain(TOKEN);
      }
    }
  }

  /** Commits a version holding {@code files} (path, content) straight through the API. */
  private static void plant(DatasetsClient client, String name, Path tmp, String... files)
      throws IOException {
    List<FileEntry> entries = new ArrayList<>();
    for (int i = 0; i < files.length; i += 2) {
      byte[] bytes = files[i + 1].getBytes(StandardCharsets.UTF_8);
      String sha = DatasetsCliTest.sha256(bytes);
      Path f = tmp.resolve("blob-" + i);
      Files.write(f, bytes);
      client.uploadBlob(sha, f, null);
      entries.add(new FileEntry(files[i], bytes.length, sha));
    }
    client.commit(
        name,
        new DatasetsClient.Commit(entries, "hostile", "mallory", null, List.of(), null, false));
  }

  @Test
  void pull_ofAVersionWithGitConfig_isRefusedBeforeAnythingIsWritten_unlessAllowed()
      throws Exception {
    Path work = workTree();
    String config = Files.readString(work.resolve(".git/config"));
    String hostile = "[core]\n\tfsmonitor = touch PWNED\n";
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));
      plant(
          client,
          "evil",
          Files.createDirectories(dir.resolve("blobs")),
          ".git/config",
          hostile,
          "data.csv",
          "a,b\n1,2\n");

      Result refused = run(server, "datasets", "pull", "evil@1", work.toString(), "-q");

      assertThat(refused.code()).as(refused.out() + refused.err()).isEqualTo(ExitCodes.INVALID);
      assertThat(refused.err())
          .contains("Refusing to write '.git/config' of evil@1")
          .contains("--allow-git-files")
          .doesNotContain("Exception");
      assertThat(work.resolve("data.csv")).doesNotExist();
      assertThat(Files.readString(work.resolve(".git/config"))).isEqualTo(config);
      git(work, "status", "--porcelain");
      assertThat(work.resolve("PWNED")).doesNotExist();

      // into a folder that does not exist yet: not even the folder is made
      Path fresh = dir.resolve("fresh");
      assertThat(run(server, "datasets", "pull", "evil", fresh.toString(), "-q").code())
          .isEqualTo(ExitCodes.INVALID);
      assertThat(fresh).doesNotExist();

      // asked for explicitly, the version is written as it is
      Path trusted = dir.resolve("trusted");
      Result allowed =
          run(server, "datasets", "pull", "evil@1", trusted.toString(), "--allow-git-files", "-q");
      assertThat(allowed.code()).as(allowed.out() + allowed.err()).isZero();
      assertThat(Files.readString(trusted.resolve(".git/config"))).isEqualTo(hostile);
      assertThat(trusted.resolve("data.csv")).exists();
    }
  }

  @Test
  void pull_refusesEveryAliasOfTheGitFolder_namingTheFirstAndCountingTheRest() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));
      Path blobs = Files.createDirectories(dir.resolve("blobs"));
      String[] aliases = {
        ".GIT/config", "a/.Git/hooks/post-checkout", ".git./config", "GIT~1/config", "b/.git"
      };
      for (int i = 0; i < aliases.length; i++) {
        plant(client, "alias" + i, blobs, aliases[i], "x" + i, "ok.txt", "fine");
        Path target = dir.resolve("t" + i);
        Result r = run(server, "datasets", "pull", "alias" + i, target.toString(), "-q");
        assertThat(r.code()).as(aliases[i] + ": " + r.err()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("Refusing to write '" + aliases[i] + "'");
        assertThat(target).doesNotExist();
      }
      plant(
          client,
          "many",
          blobs,
          ".git/config",
          "1",
          ".git/hooks/pre-commit",
          "2",
          "sub/.git/config",
          "3",
          ".github/workflows/ci.yml",
          "fine");
      Result r = run(server, "datasets", "pull", "many", dir.resolve("m").toString(), "-q");
      assertThat(r.err())
          .contains("Refusing to write '.git/config' and 2 more such paths of many@1");
    }
  }
}
