package io.cairn.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.ServerFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cairn command against a real server, and its exit codes. */
class CliTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

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

  @Test
  void experimentsCreateAndList_tableAndJson() {
    try (ServerFixture server = new ServerFixture(dir)) {
      Result created = run("experiments", "create", "cli-exp", "--url", server.url());
      assertThat(created.code()).isZero();
      assertThat(created.out()).contains("Created experiment 'cli-exp' with id 1");
      Result table = run("experiments", "list", "--url", server.url());
      assertThat(table.out()).contains("ID", "NAME", "Default", "cli-exp");
      Result json = run("experiments", "list", "--json", "--url", server.url());
      assertThat(json.out()).contains("\"name\" : \"cli-exp\"");
      Result dup = run("experiments", "create", "cli-exp", "--url", server.url());
      assertThat(dup.code()).isEqualTo(ExitCodes.INVALID);
      assertThat(dup.err()).contains("cairn: Experiment(name=cli-exp) already exists.");
      Result runs = run("runs", "list", "-e", "1", "--url", server.url());
      assertThat(runs.code()).isZero();
      assertThat(runs.out()).contains("(none)");
    }
  }

  @Test
  void modelsCommands_andTheSeedsAimodelForm() {
    try (ServerFixture server = new ServerFixture(dir)) {
      String url = server.url();
      assertThat(run("aimodel", "create", "--name", "name1", "--url", url).out())
          .contains("Registered model 'name1'");
      assertThat(run("models", "create", "name1", "--url", url).code())
          .isEqualTo(ExitCodes.INVALID);
      assertThat(
              run(
                      "models",
                      "release",
                      "name1",
                      "--source",
                      "mlflow-artifacts:/0/x/model",
                      "--url",
                      url)
                  .out())
          .contains("Created version 1 of 'name1'");
      assertThat(run("models", "alias", "name1", "champion", "1", "--url", url).code()).isZero();
      assertThat(run("models", "stage", "name1", "1", "Production", "--url", url).out())
          .contains("now in Production");
      Result versions = run("models", "versions", "name1", "--url", url);
      assertThat(versions.out()).contains("VERSION", "Production", "champion");
      assertThat(run("aimodel", "list", "--url", url).out()).contains("name1", "champion=v1");
      assertThat(run("aimodel", "update", "name1", "-d", "wine quality", "--url", url).code())
          .isZero();
      assertThat(run("models", "show", "name1", "--url", url).out()).contains("wine quality");
      assertThat(run("models", "show", "name1", "--version", "@champion", "--url", url).out())
          .contains("\"version\" : \"1\"");
      assertThat(run("models", "rename", "name1", "name2", "--url", url).code()).isZero();
      assertThat(run("aimodel", "delete", "--name", "name2", "--url", url).code()).isZero();
      Result missing = run("models", "show", "name2", "--url", url);
      assertThat(missing.code()).isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(missing.err()).contains("cairn: Registered Model with name=name2 not found");
    }
  }

  @Test
  void unreachableServer_exitsWithUnavailable() {
    Result r = run("experiments", "list", "--url", "http://127.0.0.1:1");
    assertThat(r.code()).isEqualTo(ExitCodes.UNAVAILABLE);
    assertThat(r.err()).contains("Cannot reach the Cairn server");
  }

  @Test
  void badUsage_exitsWithTwo() {
    assertThat(run("experiments", "create").code()).isEqualTo(ExitCodes.USAGE);
  }
}
