package io.cairn.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.ServerFixture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The web UI in a real headless chromium against a real server: data made through the REST API,
 * each page opened, what a person sees asserted, the console checked for errors, and a screenshot
 * of each page written to target/ui-screenshots/.
 */
class UiBrowserTest {
  static final String API = "/api/2.0/mlflow";
  @TempDir static Path dir;
  static ServerFixture server;
  static Browser browser;
  static String experimentId;
  static String tunedRunId;

  @BeforeAll
  static void start() {
    browser = Browser.startOrSkip();
    server = new ServerFixture(dir);
    experimentId =
        server
            .post(API + "/experiments/create", "{\"name\":\"wine-quality\"}")
            .json()
            .get("experiment_id")
            .asText();
    server.post(API + "/experiments/create", "{\"name\":\"churn-model\"}");
    run("baseline", 0.71, "linear", 1);
    tunedRunId = run("tuned", 0.93, "gbm", 50);
    run("deep", 0.85, "mlp", 1);
    server.put(
        "/api/2.0/mlflow-artifacts/artifacts/"
            + experimentId
            + "/"
            + tunedRunId
            + "/artifacts/model/MLmodel",
        "flavors: {}\n".getBytes(StandardCharsets.UTF_8));
    server.put(
        "/api/2.0/mlflow-artifacts/artifacts/"
            + experimentId
            + "/"
            + tunedRunId
            + "/artifacts/notes.txt",
        "good run\n".getBytes(StandardCharsets.UTF_8));
  }

  /** A finished run with an accuracy, a loss history of {@code steps} points and two params. */
  static String run(String name, double accuracy, String model, int steps) {
    long t0 = 1_760_000_000_000L;
    String id =
        server
            .post(
                API + "/runs/create",
                "{\"experiment_id\":\""
                    + experimentId
                    + "\",\"run_name\":\""
                    + name
                    + "\",\"start_time\":"
                    + t0
                    + "}")
            .json()
            .at("/run/info/run_id")
            .asText();
    StringBuilder metrics = new StringBuilder();
    for (int step = 0; step < steps; step++) {
      double loss = 1.0 / (1 + step) + 0.02 * Math.sin(step);
      metrics.append(
          String.format(
              "{\"key\":\"loss\",\"value\":%s,\"timestamp\":%d,\"step\":%d},",
              loss, t0 + step * 1000L, step));
    }
    metrics.append(
        String.format(
            "{\"key\":\"accuracy\",\"value\":%s,\"timestamp\":%d,\"step\":0}", accuracy, t0));
    String batch =
        "{\"run_id\":\""
            + id
            + "\",\"metrics\":["
            + metrics
            + "],\"params\":[{\"key\":\"model\",\"value\":\""
            + model
            + "\"},{\"key\":\"lr\",\"value\":\"0.01\"}],"
            + "\"tags\":[{\"key\":\"team\",\"value\":\"vino\"}]}";
    assertThat(server.post(API + "/runs/log-batch", batch).status()).isEqualTo(200);
    server.post(
        API + "/runs/update",
        "{\"run_id\":\"" + id + "\",\"status\":\"FINISHED\",\"end_time\":" + (t0 + 95_000) + "}");
    return id;
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void experimentsPage_listsTheExperimentsAndTheTrackingUri() {
    browser.open(server.url() + "/");
    browser.waitForText("table.grid", "wine-quality");
    assertThat(browser.waitFor("h1").getText()).isEqualTo("Experiments");
    assertThat(browser.all("tr[data-experiment-id]"))
        .extracting(WebElement::getText)
        .anyMatch(t -> t.contains("churn-model"));
    assertThat(browser.waitFor("input.uri").getDomProperty("value")).isEqualTo(server.url());
    browser.screenshot("experiments");
    browser.assertNoConsoleErrors("experiments");
    // A small laptop window: the page wraps rather than overflowing sideways.
    org.openqa.selenium.Dimension size = browser.driver.manage().window().getSize();
    try {
      browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(820, 700));
      Object overflow =
          browser.driver.executeScript(
              "return document.documentElement.scrollWidth > document.documentElement.clientWidth");
      assertThat(overflow).isEqualTo(false);
      browser.screenshot("experiments-narrow");
      browser.open(server.url() + "/#/experiments/" + experimentId + "/runs/" + tunedRunId);
      browser.waitFor(".chart canvas");
      browser.screenshot("run-narrow");
    } finally {
      browser.driver.manage().window().setSize(size);
    }
  }

  @Test
  void experimentsPage_searchesByNameAndCreates() {
    browser.open(server.url() + "/#/experiments?q=churn");
    browser.waitForText("table.grid", "churn-model");
    assertThat(browser.all("tr[data-experiment-id]")).hasSize(1);
    browser.open(server.url() + "/#/experiments?q=nothing-like-this");
    browser.waitForText(".empty", "No experiment matches");
    browser.screenshot("experiments-empty-search");

    browser.open(server.url() + "/#/experiments");
    WebElement name = browser.waitFor("input[name=name]");
    name.sendKeys("made-in-the-browser");
    browser.driver.findElement(By.cssSelector("button.primary[type=submit]")).click();
    browser.waitForText("h1", "made-in-the-browser");
    assertThat(
            server
                .get(API + "/experiments/get-by-name?experiment_name=made-in-the-browser")
                .status())
        .isEqualTo(200);
    browser.assertNoConsoleErrors("experiment creation");
  }

  @Test
  void runsTable_showsTheRunsAndSortsByAMetric() {
    String order = URLEncoder.encode("metrics.`accuracy` DESC", StandardCharsets.UTF_8);
    browser.open(server.url() + "/#/experiments/" + experimentId + "?order=" + order);
    browser.waitForText("table.runs", "tuned");
    List<String> names =
        browser.all("table.runs tbody tr td:first-child").stream()
            .map(WebElement::getText)
            .toList();
    assertThat(names).containsExactly("tuned", "deep", "baseline");
    assertThat(browser.waitFor("th[aria-sort=descending]").getText()).contains("accuracy");
    browser.screenshot("runs");
    browser.assertNoConsoleErrors("runs");

    // A click on the sorted column's header turns the order around, and the URL keeps it.
    browser.driver.findElement(By.cssSelector("th[aria-sort] a.sort")).click();
    browser.waitFor("th[aria-sort=ascending]");
    names =
        browser.all("table.runs tbody tr td:first-child").stream()
            .map(WebElement::getText)
            .toList();
    assertThat(names).containsExactly("baseline", "deep", "tuned");
    assertThat(browser.driver.getCurrentUrl()).contains("order=metrics.%60accuracy%60+ASC");
  }

  @Test
  void runsTable_pagesWithTheServersTokens_forwardAndBack() {
    String base =
        server.url() + "/#/experiments/" + experimentId + "?size=2&order=attributes.run_name+ASC";
    browser.open(base);
    browser.waitForText("table.runs", "baseline");
    assertThat(runNames()).containsExactly("baseline", "deep");
    browser.driver.findElement(By.linkText("Next page →")).click();
    browser.waitForText("table.runs", "tuned");
    assertThat(runNames()).containsExactly("tuned");
    assertThat(browser.driver.getCurrentUrl()).contains("page=");
    browser.driver.findElement(By.linkText("← Previous page")).click();
    browser.waitForText("table.runs", "baseline");
    assertThat(runNames()).containsExactly("baseline", "deep");
    assertThat(browser.all(".pager a"))
        .extracting(WebElement::getText)
        .containsExactly("Next page →");
    browser.assertNoConsoleErrors("runs paging");
  }

  @Test
  void runsTable_showsTheColumnsTheUrlNames_andThePickerChangesThem() {
    browser.open(server.url() + "/#/experiments/" + experimentId + "?metrics=loss&params=-");
    browser.waitForText("table.runs", "tuned");
    assertThat(browser.all("table.runs thead th"))
        .extracting(WebElement::getText)
        .containsExactly("Run", "Status", "Started ▼", "Duration", "METRIC\nloss");
    browser.driver.findElement(By.cssSelector("details.column-picker summary")).click();
    browser.driver.findElement(By.cssSelector("input[name=params][value=model]")).click();
    browser.waitFor("th[data-column=model]");
    assertThat(browser.driver.getCurrentUrl()).contains("params=model");
    browser.screenshot("runs-columns");
    browser.assertNoConsoleErrors("runs columns");
  }

  @Test
  void runsTable_ofAnExperimentWithoutRuns_saysHowToLogOne() {
    String id =
        server
            .post(API + "/experiments/create", "{\"name\":\"empty-one\"}")
            .json()
            .get("experiment_id")
            .asText();
    browser.open(server.url() + "/#/experiments/" + id);
    browser.waitForText(".empty", "No runs in this experiment yet.");
    assertThat(browser.waitFor(".empty").getText())
        .contains("mlflow.set_experiment(\"empty-one\")");
    browser.screenshot("runs-empty");
    browser.assertNoConsoleErrors("runs empty");
  }

  @Test
  void experiments_renameDeleteAndRestore() {
    server.post(API + "/experiments/create", "{\"name\":\"to-rename\"}");
    browser.open(server.url() + "/#/experiments?q=to-rename");
    browser.waitForText("table.grid", "to-rename");
    browser.driver.findElement(By.xpath("//button[.='Rename']")).click();
    WebElement input = browser.waitFor("input[name=rename]");
    input.clear();
    input.sendKeys("renamed-in-ui");
    input.submit();
    browser.open(server.url() + "/#/experiments?q=renamed-in-ui");
    browser.waitForText("table.grid", "renamed-in-ui");
    browser.driver.findElement(By.xpath("//button[.='Delete']")).click();
    browser.waitForText(".empty", "No experiment matches");
    browser.open(server.url() + "/#/experiments?q=renamed-in-ui&view=deleted");
    browser.waitForText("table.grid", "renamed-in-ui");
    browser.screenshot("experiments-deleted");
    browser.driver.findElement(By.xpath("//button[.='Restore']")).click();
    browser.waitForText(".empty", "No deleted experiment matches");
    assertThat(
            server
                .get(API + "/experiments/get-by-name?experiment_name=renamed-in-ui")
                .json()
                .at("/experiment/lifecycle_stage")
                .asText())
        .isEqualTo("active");
    browser.assertNoConsoleErrors("experiment rename, delete and restore");
  }

  @Test
  void runPage_renamesDeletesAndRestoresTheRun() {
    String id = run("scratch", 0.5, "tree", 1);
    browser.open(server.url() + "/#/experiments/" + experimentId + "/runs/" + id);
    browser.waitForText("h1", "scratch");
    browser.driver.findElement(By.xpath("//button[.='Rename']")).click();
    WebElement input = browser.waitFor("input[name=run_name]");
    input.clear();
    input.sendKeys("scratch-renamed");
    input.submit();
    browser.waitForText("h1", "scratch-renamed");
    browser.driver.findElement(By.xpath("//button[.='Delete']")).click();
    browser.waitForText(".title-row", "deleted");
    assertThat(
            server
                .get(API + "/runs/get?run_id=" + id)
                .json()
                .at("/run/info/lifecycle_stage")
                .asText())
        .isEqualTo("deleted");
    browser.driver.findElement(By.xpath("//button[.='Restore']")).click();
    browser.waitFor("button.danger");
    assertThat(
            server
                .get(API + "/runs/get?run_id=" + id)
                .json()
                .at("/run/info/lifecycle_stage")
                .asText())
        .isEqualTo("active");
    assertThat(server.get(API + "/runs/get?run_id=" + id).json().at("/run/info/run_name").asText())
        .isEqualTo("scratch-renamed");
    browser.assertNoConsoleErrors("run rename, delete and restore");
    server.post(API + "/runs/delete", "{\"run_id\":\"" + id + "\"}");
  }

  private static List<String> runNames() {
    return browser.all("table.runs tbody tr td:first-child").stream()
        .map(WebElement::getText)
        .toList();
  }

  @Test
  void runsTable_filtersAndShowsTheServersMessageForABadFilter() {
    String filter = URLEncoder.encode("params.model = 'gbm'", StandardCharsets.UTF_8);
    browser.open(server.url() + "/#/experiments/" + experimentId + "?filter=" + filter);
    browser.waitForText("table.runs", "tuned");
    assertThat(browser.all("table.runs tbody tr")).hasSize(1);

    browser.open(server.url() + "/#/experiments/" + experimentId);
    WebElement box = browser.waitFor("input.filter");
    box.sendKeys("metrics.accuracy >>> 3");
    box.submit();
    WebElement error = browser.waitFor(".error");
    assertThat(error.getText()).contains("The filter was refused");
    assertThat(error.getText().length()).isGreaterThan("The filter was refused: ".length() + 10);
    assertThat(browser.driver.getCurrentUrl()).contains("filter=");
    browser.screenshot("runs-bad-filter");
    browser.assertNoConsoleErrors("runs with a bad filter", API + "/runs/search ");
  }

  @Test
  void runPage_showsMetricsParamsChartAndArtifacts() {
    browser.open(server.url() + "/#/experiments/" + experimentId + "/runs/" + tunedRunId);
    browser.waitForText("h1", "tuned");
    assertThat(browser.waitFor("#metrics tr[data-key=accuracy]").getText()).contains("0.93");
    assertThat(browser.waitFor("#params tr[data-key=model]").getText()).contains("gbm");
    assertThat(browser.waitFor("#tags tr[data-key=team]").getText()).contains("vino");
    browser.waitFor(".chart canvas");
    browser.waitForText("#artifacts", "notes.txt");
    browser.driver.findElement(By.xpath("//button[contains(., 'model/')]")).click();
    browser.waitForText("#artifacts", "MLmodel");
    // The chart shows the metric with the longest history first.
    assertThat(browser.waitFor("select[name=metric]").getDomProperty("value")).isEqualTo("loss");
    browser.driver.executeScript("window.scrollTo(0, 0)");
    browser.screenshot("run");
    new org.openqa.selenium.support.ui.Select(browser.waitFor("select[name=metric]"))
        .selectByValue("accuracy");
    browser.waitForText(".chart .u-legend", "accuracy");
    assertThat(browser.driver.getCurrentUrl()).endsWith("?metric=accuracy");
    browser.assertNoConsoleErrors("run");
  }

  @Test
  void darkTheme_followsTheSystemPreference() {
    browser.colorScheme("dark");
    try {
      browser.open(server.url() + "/#/experiments/" + experimentId + "/runs/" + tunedRunId);
      browser.waitForText("h1", "tuned");
      browser.waitFor(".chart canvas");
      String background =
          (String)
              browser.driver.executeScript(
                  "return getComputedStyle(document.body).backgroundColor");
      assertThat(background).isEqualTo("rgb(21, 24, 28)");
      browser.screenshot("run-dark");
      browser.open(server.url() + "/#/experiments/" + experimentId);
      browser.waitForText("table.runs", "tuned");
      browser.screenshot("runs-dark");
      browser.assertNoConsoleErrors("dark run");
    } finally {
      browser.colorScheme("light");
    }
  }

  @Test
  void mlflowClientLinks_openTheRunPage_andUnknownRunsSayWhy() {
    browser.open(server.url() + "/#/experiments/" + experimentId + "/runs/" + "0".repeat(32));
    WebElement error = browser.waitFor(".error");
    assertThat(error.getText()).contains("Could not open the run");
    browser.screenshot("run-not-found");
    browser.assertNoConsoleErrors("run not found", API + "/runs/get?");
  }
}
