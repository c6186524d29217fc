package io.cairn.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.client.DatasetsClient.FileEntry;
import io.cairn.core.dataset.Manifest;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.server.ServerFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API's push and pull around git's files, against the real server: a push never takes a
 * {@code .git} folder or file and tells its listener what it left out; a pull refuses a version
 * with a file in a {@code .git} folder unless {@link PullOptions#allowGitFiles}.
 */
class DatasetGitFilesTest {
  @TempDir Path dir;

  @Test
  void push_leavesGitFilesOut_andNotesWhatItSkipped() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve(".git/refs"));
    Files.writeString(data.resolve(".git/config"), "[remote \"origin\"]\n\turl = https://t@x\n");
    Files.createDirectories(data.resolve("nested/.GIT"));
    Files.writeString(data.resolve("nested/.GIT/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(data.resolve("nested/a.csv"), "a\n1\n");
    Files.writeString(data.resolve("b.log"), "log");
    Files.writeString(data.resolve(IgnoreRules.FILE_NAME), "*.log\n");
    List<String> notes = new ArrayList<>();
    ProgressListener listener =
        new ProgressListener() {
          @Override
          public void note(String message) {
            notes.add(message);
          }
        };
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));

      DatasetsClient.PushResult r = client.push("d", data, new PushOptions().progress(listener));

      assertThat(r.files()).isEqualTo(1);
      assertThat(client.version("d", "1").files())
          .extracting(FileEntry::path)
          .containsExactly("nested/a.csv");
      assertThat(notes).containsExactly("skipped 1 file by .cairnignore, .git/ excluded");
    }
  }

  @Test
  void pull_refusesAVersionWithAGitFile_unlessAllowed() throws Exception {
    try (ServerFixture server = new ServerFixture(dir.resolve("server"))) {
      DatasetsClient client = new DatasetsClient(new CairnClient(server.url()));
      byte[] hook = "#!/bin/sh\ntouch PWNED\n".getBytes(StandardCharsets.UTF_8);
      String sha = HexFormat.of().formatHex(Manifest.sha256().digest(hook));
      Path blob = Files.write(dir.resolve("hook"), hook);
      client.uploadBlob(sha, blob, null);
      client.commit(
          "evil",
          new DatasetsClient.Commit(
              List.of(new FileEntry(".git/hooks/post-checkout", hook.length, sha)),
              null,
              "mallory",
              null,
              List.of(),
              null,
              false));
      Path target = dir.resolve("target");

      assertThatThrownBy(() -> client.pull("evil", target, new PullOptions()))
          .isInstanceOfSatisfying(
              CairnException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
          .hasMessageContaining("Refusing to write '.git/hooks/post-checkout' of evil@1")
          .hasMessageContaining("--allow-git-files");
      assertThat(target).doesNotExist();

      client.pull("evil", target, new PullOptions().allowGitFiles(true));
      assertThat(target.resolve(".git/hooks/post-checkout")).hasBinaryContent(hook);
    }
  }
}
