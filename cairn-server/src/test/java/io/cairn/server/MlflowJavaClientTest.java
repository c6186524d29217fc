package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.ExperimentsPage;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.RunsPage;

/**
 * The official MLflow Java client ({@code org.mlflow:mlflow-client}, the last version published to
 * Maven Central) through every tracking call it offers over REST. Its artifact methods shell out to
 * the Python CLI and are covered by the Python compatibility suite instead.
 */
class MlflowJavaClientTest {
  @TempDir static Path dir;
  static ServerFixture server;
  static MlflowClient client;

  @BeforeAll
  static void start() {
    server = new ServerFixture(dir);
    client = new MlflowClient(server.url());
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @Test
  void experiments_createGetRenameTagDeleteRestoreSearch() {
    String id = client.createExperiment("java-exp");
    assertThat(client.getExperiment(id).getName()).isEqualTo("java-exp");
    Optional<Experiment> byName = client.getExperimentByName("java-exp");
    assertThat(byName).map(Experiment::getExperimentId).hasValue(id);
    assertThat(client.getExperimentByName("no-such-experiment")).isEmpty();
    client.renameExperiment(id, "java-exp-renamed");
    client.setExperimentTag(id, "team", "ml");
    Experiment e = client.getExperiment(id);
    assertThat(e.getName()).isEqualTo("java-exp-renamed");
    assertThat(e.getTagsList())
        .anyMatch(t -> t.getKey().equals("team") && t.getValue().equals("ml"));
    ExperimentsPage page = client.searchExperiments("name = 'java-exp-renamed'");
    assertThat(page.getItems()).extracting(Experiment::getExperimentId).containsExactly(id);
    assertThat(page.getNextPageToken()).isEmpty();
    client.deleteExperiment(id);
    assertThat(client.getExperiment(id).getLifecycleStage()).isEqualTo("deleted");
    ExperimentsPage deleted = client.searchExperiments("", ViewType.DELETED_ONLY, 10, List.of());
    assertThat(deleted.getItems()).extracting(Experiment::getExperimentId).contains(id);
    client.restoreExperiment(id);
    assertThat(client.getExperiment(id).getLifecycleStage()).isEqualTo("active");
  }

  @Test
  void runs_logEverything_thenReadBack() {
    String exp = client.createExperiment("java-runs");
    RunInfo info = client.createRun(exp);
    String runId = info.getRunId();
    assertThat(info.getStatus()).isEqualTo(RunStatus.RUNNING);
    client.logParam(runId, "alpha", "0.5");
    client.logMetric(runId, "loss", 1.5);
    client.logMetric(runId, "loss", 0.5, System.currentTimeMillis(), 2);
    client.setTag(runId, "stage", "dev");
    client.logBatch(
        runId,
        List.of(
            Metric.newBuilder().setKey("acc").setValue(0.9).setTimestamp(1).setStep(1).build(),
            Metric.newBuilder()
                .setKey("nan")
                .setValue(Double.NaN)
                .setTimestamp(1)
                .setStep(0)
                .build()),
        List.of(Param.newBuilder().setKey("beta").setValue("2").build()),
        List.of(RunTag.newBuilder().setKey("owner").setValue("me").build()));
    List<org.mlflow.api.proto.Service.Metric> history = client.getMetricHistory(runId, "loss");
    assertThat(history).extracting(m -> m.getValue()).containsExactly(1.5, 0.5);
    client.deleteTag(runId, "stage");
    client.setTerminated(runId, RunStatus.FINISHED);
    Run run = client.getRun(runId);
    assertThat(run.getInfo().getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.getInfo().getEndTime()).isPositive();
    assertThat(run.getData().getParamsList()).hasSize(2);
    assertThat(run.getData().getTagsList())
        .noneMatch(t -> t.getKey().equals("stage"))
        .anyMatch(t -> t.getKey().equals("owner"));
    assertThat(run.getData().getMetricsList())
        .anyMatch(m -> m.getKey().equals("loss") && m.getValue() == 0.5 && m.getStep() == 2)
        .anyMatch(m -> m.getKey().equals("nan") && Double.isNaN(m.getValue()));
    client.deleteRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("deleted");
    client.restoreRun(runId);
    assertThat(client.getRun(runId).getInfo().getLifecycleStage()).isEqualTo("active");
  }

  @Test
  void searchRuns_filtersOrdersAndPages() {
    String exp = client.createExperiment("java-search");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String runId = client.createRun(exp).getRunId();
      client.logMetric(runId, "score", i);
      ids.add(runId);
    }
    assertThat(client.searchRuns(List.of(exp), "metrics.score >= 3"))
        .extracting(RunInfo::getRunId)
        .containsExactlyInAnyOrder(ids.get(3), ids.get(4));
    RunsPage first =
        client.searchRuns(List.of(exp), "", ViewType.ACTIVE_ONLY, 2, List.of("metrics.score DESC"));
    assertThat(first.getItems())
        .extracting(r -> r.getInfo().getRunId())
        .containsExactly(ids.get(4), ids.get(3));
    assertThat(first.hasNextPage()).isTrue();
    RunsPage second = (RunsPage) first.getNextPage();
    RunsPage third = (RunsPage) second.getNextPage();
    assertThat(third.getItems())
        .extracting(r -> r.getInfo().getRunId())
        .containsExactly(ids.get(0));
    assertThat(third.hasNextPage()).isFalse();
    assertThat(client.listRunInfos(exp)).hasSize(5);
  }

  @Test
  void errors_comeBackAsHttpExceptionsWithMlflowCodes() {
    client.createExperiment("java-dup");
    assertThatThrownBy(() -> client.createExperiment("java-dup"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(400);
              assertThat(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS");
            });
    assertThatThrownBy(() -> client.getRun("0123456789abcdef0123456789abcdef"))
        .isInstanceOfSatisfying(
            MlflowHttpException.class,
            e -> {
              assertThat(e.getStatusCode()).isEqualTo(404);
              assertThat(e.getBodyMessage()).contains("RESOURCE_DOES_NOT_EXIST");
            });
  }
}
