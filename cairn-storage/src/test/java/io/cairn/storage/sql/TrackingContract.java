package io.cairn.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.search.OrderBy;
import io.cairn.core.search.SearchParser;
import io.cairn.core.search.SearchSchema;
import io.cairn.core.tracking.ArtifactLocations;
import io.cairn.core.tracking.Dataset;
import io.cairn.core.tracking.DatasetInput;
import io.cairn.core.tracking.Experiment;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.Ids;
import io.cairn.core.tracking.LifecycleStage;
import io.cairn.core.tracking.LoggedModel;
import io.cairn.core.tracking.LoggedModelOrder;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.LoggedModelStatus;
import io.cairn.core.tracking.Metric;
import io.cairn.core.tracking.MetricDataset;
import io.cairn.core.tracking.ModelOutput;
import io.cairn.core.tracking.Page;
import io.cairn.core.tracking.Param;
import io.cairn.core.tracking.Run;
import io.cairn.core.tracking.RunNames;
import io.cairn.core.tracking.RunService;
import io.cairn.core.tracking.RunStatus;
import io.cairn.core.tracking.Tag;
import io.cairn.core.tracking.ViewType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tracking store contract, run against every backend through the services that use it. A
 * subclass says how to open its database.
 */
abstract class TrackingContract {
  static final String WS = "default";
  Database db;
  ExperimentService experiments;
  RunService runs;
  LoggedModelService models;

  abstract Database open() throws Exception;

  void cleanUp() {}

  @BeforeEach
  void setUp() throws Exception {
    db = open();
    Clock clock = Clock.systemUTC();
    Ids ids = new Ids(new Random(42));
    RunNames names = new RunNames(new Random(7));
    experiments =
        new ExperimentService(new SqlExperimentStore(db), ArtifactLocations.proxied(), clock);
    runs = new RunService(new SqlRunStore(db), experiments, ids, names, clock);
    models = new LoggedModelService(new SqlLoggedModelStore(db), experiments, ids, names, clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
    cleanUp();
  }

  String newExperiment(String name) {
    return experiments.create(WS, name, null, List.of());
  }

  @Test
  void defaultExperiment_exists() {
    Experiment e = experiments.get("0");
    assertThat(e.name()).isEqualTo("Default");
    assertThat(e.lifecycleStage()).isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void createExperiment_duplicateName_failsWithResourceAlreadyExists() {
    newExperiment("dup");
    assertThatThrownBy(() -> newExperiment("dup"))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS))
        .hasMessageContaining("dup");
  }

  @Test
  void createExperiment_assignsLocationAndTags() {
    String id = experiments.create(WS, "tagged", null, List.of(new Tag("team", "a")));
    Experiment e = experiments.get(id);
    assertThat(e.artifactLocation()).isEqualTo("mlflow-artifacts:/" + id);
    assertThat(e.tags()).containsExactly(new Tag("team", "a"));
    assertThat(experiments.getByName(WS, "tagged").experimentId()).isEqualTo(id);
  }

  @Test
  void concurrentCreates_ofOneName_giveExactlyOneExperiment() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      results.add(pool.submit(() -> newExperiment("race")));
    }
    int created = 0;
    int refused = 0;
    for (Future<String> f : results) {
      try {
        f.get();
        created++;
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(((CairnException) e.getCause()).code())
            .isEqualTo(ErrorCode.RESOURCE_ALREADY_EXISTS);
        refused++;
      }
    }
    pool.shutdown();
    assertThat(created).isEqualTo(1);
    assertThat(refused).isEqualTo(15);
  }

  @Test
  void deleteExperiment_deletesItsRuns_andRestoreBringsThemBack() {
    String id = newExperiment("trash");
    Run run = runs.create(id, "me", null, null, List.of());
    experiments.delete(id);
    assertThat(experiments.get(id).lifecycleStage()).isEqualTo(LifecycleStage.DELETED);
    assertThat(runs.get(run.info().runId()).info().lifecycleStage())
        .isEqualTo(LifecycleStage.DELETED);
    assertThat(experiments.search(WS, ViewType.DELETED_ONLY, null, List.of(), null, null).items())
        .extracting(Experiment::experimentId)
        .contains(id);
    experiments.restore(id);
    assertThat(runs.get(run.info().runId()).info().lifecycleStage())
        .isEqualTo(LifecycleStage.ACTIVE);
  }

  @Test
  void searchExperiments_filtersAndPages() {
    for (int i = 0; i < 5; i++) {
      experiments.create(WS, "page-" + i, null, List.of(new Tag("k", i % 2 == 0 ? "even" : "odd")));
    }
    Page<Experiment> first =
        experiments.search(
            WS, ViewType.ACTIVE_ONLY, "name LIKE 'page-%'", List.of("name ASC"), 2, null);
    assertThat(first.items()).extracting(Experiment::name).containsExactly("page-0", "page-1");
    Page<Experiment> second =
        experiments.search(
            WS,
            ViewType.ACTIVE_ONLY,
            "name LIKE 'page-%'",
            List.of("name ASC"),
            2,
            first.nextPageToken());
    assertThat(second.items()).extracting(Experiment::name).containsExactly("page-2", "page-3");
    assertThat(
            experiments
                .search(WS, ViewType.ACTIVE_ONLY, "tags.k = 'odd'", List.of(), 10, null)
                .items())
        .extracting(Experiment::name)
        .containsExactlyInAnyOrder("page-1", "page-3");
  }

  @Test
  void createRun_generatesNameAndTag_andKeepsGivenName() {
    String exp = newExperiment("names");
    Run generated = runs.create(exp, "me", 1000L, null, List.of());
    assertThat(generated.info().runName()).matches("[a-z]+-[a-z]+-\\d+");
    assertThat(generated.tags()).contains(new Tag("mlflow.runName", generated.info().runName()));
    Run named = runs.create(exp, "me", 1000L, "given", List.of());
    assertThat(named.info().runName()).isEqualTo("given");
    assertThat(named.info().artifactUri())
        .isEqualTo("mlflow-artifacts:/" + exp + "/" + named.info().runId() + "/artifacts");
  }

  @Test
  void logBatch_storesEverything_andKeepsLatestMinMax() {
    String exp = newExperiment("batch");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    runs.logBatch(
        runId,
        List.of(
            Metric.of("loss", 3.0, 10, 0),
            Metric.of("loss", 1.0, 11, 1),
            Metric.of("loss", 2.0, 12, 2),
            Metric.of("acc", Double.NaN, 10, 0)),
        List.of(new Param("lr", "0.1")),
        List.of(new Tag("t", "v")));
    Run run = runs.get(runId);
    assertThat(run.params()).containsExactly(new Param("lr", "0.1"));
    assertThat(run.tags()).contains(new Tag("t", "v"));
    Metric loss =
        run.metrics().stream().filter(m -> m.key().equals("loss")).findFirst().orElseThrow();
    assertThat(loss.value()).isEqualTo(2.0);
    assertThat(loss.step()).isEqualTo(2);
    Metric acc =
        run.metrics().stream().filter(m -> m.key().equals("acc")).findFirst().orElseThrow();
    assertThat(acc.value()).isNaN();
    assertThat(
            ids(
                runs.search(
                    List.of(exp),
                    ViewType.ACTIVE_ONLY,
                    "min(metrics.loss) < 1.5",
                    List.of(),
                    null,
                    null)))
        .containsExactly(runId);
    assertThat(
            ids(
                runs.search(
                    List.of(exp),
                    ViewType.ACTIVE_ONLY,
                    "max(metrics.loss) < 2.5",
                    List.of(),
                    null,
                    null)))
        .isEmpty();
    assertThat(runs.metricHistory(runId, "loss", null, null).items())
        .extracting(Metric::value)
        .containsExactly(3.0, 1.0, 2.0);
  }

  @Test
  void logBatch_infinities_roundTrip() {
    String exp = newExperiment("inf");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    runs.logBatch(
        runId,
        List.of(
            Metric.of("up", Double.POSITIVE_INFINITY, 1, 0),
            Metric.of("down", Double.NEGATIVE_INFINITY, 1, 0)),
        List.of(),
        List.of());
    assertThat(runs.metricHistory(runId, "up", null, null).items().get(0).value())
        .isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(runs.metricHistory(runId, "down", null, null).items().get(0).value())
        .isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void logParam_changedValue_failsAndStoresNothingOfTheBatch() {
    String exp = newExperiment("params");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    runs.logBatch(runId, List.of(), List.of(new Param("p", "1")), List.of());
    runs.logBatch(runId, List.of(), List.of(new Param("p", "1")), List.of());
    assertThatThrownBy(
            () ->
                runs.logBatch(
                    runId,
                    List.of(Metric.of("m", 1, 1, 0)),
                    List.of(new Param("p", "2")),
                    List.of()))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE))
        .hasMessageContaining("Changing param values is not allowed");
    Run run = runs.get(runId);
    assertThat(run.params()).containsExactly(new Param("p", "1"));
    assertThat(run.metrics()).isEmpty();
  }

  @Test
  void loggingToDeletedRun_isRefused() {
    String exp = newExperiment("deleted-run");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    runs.delete(runId);
    assertThatThrownBy(() -> runs.logBatch(runId, List.of(), List.of(), List.of(new Tag("a", "b"))))
        .hasMessageContaining("must be in the 'active' state");
    runs.restore(runId);
    runs.logBatch(runId, List.of(), List.of(), List.of(new Tag("a", "b")));
  }

  @Test
  void getRun_missing_failsWithResourceDoesNotExist() {
    assertThatThrownBy(() -> runs.get("0123456789abcdef0123456789abcdef"))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("not found");
  }

  @Test
  void updateRun_setsStatusEndTimeAndName() {
    String exp = newExperiment("update");
    String runId = runs.create(exp, "me", 5L, "before", List.of()).info().runId();
    runs.update(runId, RunStatus.FINISHED, 99L, "after");
    Run run = runs.get(runId);
    assertThat(run.info().status()).isEqualTo(RunStatus.FINISHED);
    assertThat(run.info().endTime()).isEqualTo(99L);
    assertThat(run.info().runName()).isEqualTo("after");
    assertThat(run.tags()).contains(new Tag("mlflow.runName", "after"));
  }

  @Test
  void searchRuns_filterGrammar_runsInTheDatabase() {
    String exp = newExperiment("search");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String id = runs.create(exp, "u" + (i % 2), 1000L + i, "run-" + i, List.of()).info().runId();
      runs.logBatch(
          id,
          List.of(Metric.of("acc", i / 10.0, 1, 0)),
          List.of(new Param("model", i < 3 ? "tree" : "linear")),
          List.of(new Tag("team", i % 2 == 0 ? "Red" : "blue")));
      ids.add(id);
    }
    String id2 = runs.create(exp, "u", 2000L, "no-metrics", List.of()).info().runId();
    assertThat(ids(search(exp, "metrics.acc >= 0.3", List.of("metrics.acc DESC"))))
        .containsExactly(ids.get(5), ids.get(4), ids.get(3));
    assertThat(ids(search(exp, "params.model = 'tree' AND metrics.acc > 0.05", List.of())))
        .containsExactlyInAnyOrder(ids.get(1), ids.get(2));
    assertThat(ids(search(exp, "tags.team ILIKE 'red'", List.of())))
        .containsExactlyInAnyOrder(ids.get(0), ids.get(2), ids.get(4));
    assertThat(ids(search(exp, "tags.team LIKE 'red'", List.of()))).isEmpty();
    assertThat(
            ids(
                search(
                    exp,
                    "metrics.acc < 0.1 OR (params.model = 'linear' AND tags.team = 'blue')",
                    List.of())))
        .containsExactlyInAnyOrder(ids.get(0), ids.get(3), ids.get(5));
    assertThat(ids(search(exp, "attributes.run_name IN ('run-1', 'run-4')", List.of())))
        .containsExactlyInAnyOrder(ids.get(1), ids.get(4));
    assertThat(ids(search(exp, "params.model IS NULL", List.of()))).containsExactly(id2);
    assertThat(ids(search(exp, "attributes.start_time > 1003", List.of())))
        .containsExactly(id2, ids.get(5), ids.get(4));
    // Runs without the metric sort last in both directions.
    assertThat(ids(search(exp, null, List.of("metrics.acc ASC"))).get(6)).isEqualTo(id2);
    assertThat(ids(search(exp, null, List.of("metrics.acc DESC"))).get(6)).isEqualTo(id2);
    assertThat(ids(search(exp, null, List.of()))).first().isEqualTo(id2);
  }

  @Test
  void searchRuns_orderedByAMetric_inSegments_matchesOneQuery() {
    String exp = newExperiment("segments");
    Random random = new Random(5);
    double[] values = {0.1, 0.5, 0.5, Double.NaN, Double.POSITIVE_INFINITY, -1, 0.9};
    for (int i = 0; i < 60; i++) {
      long start = 1000L + random.nextInt(20); // ties on start_time too
      String id = runs.create(exp, "me", start, "r" + i, List.of()).info().runId();
      List<Metric> metrics = new ArrayList<>();
      if (random.nextInt(4) > 0) {
        metrics.add(Metric.of("acc", values[random.nextInt(values.length)], 1, 0));
      }
      if (random.nextBoolean()) {
        metrics.add(Metric.of("loss", random.nextInt(5) / 10.0, 1, 0));
      }
      List<Param> params =
          random.nextInt(3) > 0 ? List.of(new Param("p", "v" + random.nextInt(3))) : List.of();
      runs.logBatch(id, metrics, params, List.of());
    }
    runs.delete(runs.create(exp, "me", 1005L, "gone", List.of()).info().runId());
    Clock clock = Clock.systemUTC();
    // one query, every filter condition as an id list: the reference
    RunService oneQuery =
        new RunService(
            new SqlRunStore(db, false, FilterSql.Forms.ID_LISTS),
            experiments,
            new Ids(new Random(1)),
            new RunNames(new Random(2)),
            clock);
    // segments, with every condition as EXISTS (as for broad conditions on large experiments)
    RunService broad =
        new RunService(
            new SqlRunStore(db, true, FilterSql.Forms.EXISTS),
            experiments,
            new Ids(new Random(1)),
            new RunNames(new Random(2)),
            clock);
    List<List<String>> orders =
        List.of(
            List.of("metrics.acc DESC"),
            List.of("metrics.acc ASC"),
            List.of("metrics.acc DESC", "params.p ASC"),
            List.of("metrics.acc ASC", "metrics.loss DESC", "attributes.start_time ASC"));
    java.util.Arrays.asList(
            null,
            "metrics.loss > 0.1",
            "params.p = 'v1'",
            "metrics.acc >= 0.5",
            "params.p != 'v2' AND metrics.loss <= 0.3",
            "params.p = 'v0' OR max(metrics.loss) > 0.2")
        .forEach(
            filter -> {
              for (List<String> order : orders) {
                List<String> expected =
                    ids(
                        oneQuery.search(
                            List.of(exp), ViewType.ACTIVE_ONLY, filter, order, 1000, null));
                for (int pageSize : new int[] {1, 7, 1000}) {
                  RunService service = pageSize == 7 ? broad : runs;
                  List<String> paged = new ArrayList<>();
                  String token = null;
                  do {
                    Page<Run> page =
                        service.search(
                            List.of(exp), ViewType.ACTIVE_ONLY, filter, order, pageSize, token);
                    paged.addAll(ids(page));
                    token = page.nextPageToken();
                  } while (token != null);
                  assertThat(paged)
                      .as("filter %s, order %s, pages of %d", filter, order, pageSize)
                      .isEqualTo(expected);
                }
              }
            });
  }

  @Test
  void searchRuns_pagesWithoutGapsOrRepeats() {
    String exp = newExperiment("paging");
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      all.add(runs.create(exp, "u", 1000L + i, null, List.of()).info().runId());
    }
    List<String> seen = new ArrayList<>();
    String token = null;
    do {
      Page<Run> page = runs.search(List.of(exp), ViewType.ACTIVE_ONLY, null, List.of(), 7, token);
      seen.addAll(ids(page));
      token = page.nextPageToken();
    } while (token != null);
    assertThat(seen).hasSize(25).containsExactlyInAnyOrderElementsOf(all);
  }

  @Test
  void searchRuns_byOneMetric_pagesByCursor_unshiftedByRunsLoggedMeanwhile() {
    String exp = newExperiment("cursor");
    for (int i = 0; i < 12; i++) {
      String id = runs.create(exp, "u", 1000L + i % 3, null, List.of()).info().runId();
      runs.logBatch(id, List.of(Metric.of("acc", i % 4 / 4.0, 1, 0)), List.of(), List.of());
    }
    List<String> order = List.of("metrics.acc DESC");
    List<String> before =
        ids(runs.search(List.of(exp), ViewType.ACTIVE_ONLY, null, order, 100, null));
    Page<Run> first = runs.search(List.of(exp), ViewType.ACTIVE_ONLY, null, order, 5, null);
    assertThat(new String(java.util.Base64.getUrlDecoder().decode(first.nextPageToken())))
        .startsWith("{\"after\": [0, ");
    // a run that sorts on the first page arrives between the pages: an offset would repeat a run
    String early = runs.create(exp, "u", 5000L, null, List.of()).info().runId();
    runs.logBatch(early, List.of(Metric.of("acc", 0.99, 1, 0)), List.of(), List.of());
    List<String> paged = new ArrayList<>(ids(first));
    String token = first.nextPageToken();
    while (token != null) {
      Page<Run> page = runs.search(List.of(exp), ViewType.ACTIVE_ONLY, null, order, 5, token);
      paged.addAll(ids(page));
      token = page.nextPageToken();
    }
    assertThat(paged).isEqualTo(before);
    // the cursor belongs to that order: another order refuses it, MLflow's offset tokens still work
    assertThatThrownBy(
            () ->
                runs.search(
                    List.of(exp),
                    ViewType.ACTIVE_ONLY,
                    null,
                    List.of("params.p ASC"),
                    5,
                    first.nextPageToken()))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_PARAMETER_VALUE));
    String offset = java.util.Base64.getEncoder().encodeToString("{\"offset\": 5}".getBytes());
    assertThat(ids(runs.search(List.of(exp), ViewType.ACTIVE_ONLY, null, order, 100, offset)))
        .hasSize(8);
  }

  @Test
  void logInputs_linksDatasetsOnce_withContextTags() {
    String exp = newExperiment("inputs");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    DatasetInput input =
        new DatasetInput(
            List.of(new Tag("mlflow.data.context", "training")),
            new Dataset("iris", "abc123", "local", "{\"uri\": \"/data/iris.csv\"}", "{}", null));
    runs.logInputs(runId, List.of(input, input), List.of());
    runs.logInputs(runId, List.of(input), List.of("m-1"));
    Run run = runs.get(runId);
    assertThat(run.datasetInputs()).hasSize(1);
    assertThat(run.datasetInputs().get(0).dataset().name()).isEqualTo("iris");
    assertThat(run.datasetInputs().get(0).tags())
        .containsExactly(new Tag("mlflow.data.context", "training"));
    assertThat(run.modelInputs()).containsExactly("m-1");
    assertThat(ids(search(exp, "datasets.context = 'training'", List.of()))).containsExactly(runId);
    assertThat(ids(search(exp, "datasets.name = 'other'", List.of()))).isEmpty();
  }

  @Test
  void metricHistory_keysetPages_coverEveryPointOnce_withTiesNansAndInfinities() {
    String exp = newExperiment("keyset");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    List<Metric> points = new ArrayList<>();
    double[] odd = {Double.NaN, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, -0.5, 0.0, 2.5};
    for (int step = 0; step < 40; step++) {
      for (double v : odd) {
        points.add(Metric.of("k", v, 7, step % 5)); // many points share step and timestamp
      }
      points.add(Metric.of("k", step, 1000 + step, step % 5));
    }
    runs.logBatch(runId, points, List.of(), List.of());
    List<Metric> all = runs.metricHistory(runId, "k", null, null).items();
    List<Metric> paged = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      Page<Metric> page = runs.metricHistory(runId, "k", 7, token);
      paged.addAll(page.items());
      token = page.nextPageToken();
      pages++;
    } while (token != null && pages < 1000);
    assertThat(paged).hasSameSizeAs(all);
    for (int i = 0; i < all.size(); i++) {
      Metric a = all.get(i);
      Metric b = paged.get(i);
      assertThat(b.step()).isEqualTo(a.step());
      assertThat(b.timestamp()).isEqualTo(a.timestamp());
      assertThat(Double.compare(b.value(), a.value())).as("point %d", i).isZero();
    }
    // an offset token (MLflow's form) is still read
    assertThat(runs.metricHistory(runId, "k", 5, io.cairn.core.search.PageToken.encode(5)).items())
        .hasSize(5);
  }

  @Test
  void metricHistory_pages_andBulkIntervalKeepsSpikes() {
    String exp = newExperiment("history");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    List<Metric> points = new ArrayList<>();
    for (int step = 0; step < 1000; step++) {
      points.add(Metric.of("m", step == 537 ? 1e6 : step % 7, 1000 + step, step));
    }
    runs.logBatch(runId, points, List.of(), List.of());
    Page<Metric> first = runs.metricHistory(runId, "m", 400, null);
    assertThat(first.items()).hasSize(400);
    Page<Metric> second = runs.metricHistory(runId, "m", 400, first.nextPageToken());
    Page<Metric> third = runs.metricHistory(runId, "m", 400, second.nextPageToken());
    assertThat(third.items()).hasSize(200);
    assertThat(third.nextPageToken()).isNull();
    List<Metric> sampled = runs.metricHistoryBulkInterval(List.of(runId), "m", null, null, 50);
    // MLflow's 51 evenly spaced steps, and Cairn's at most 50 extremes and ends
    assertThat(sampled).hasSizeLessThanOrEqualTo(101);
    assertThat(steps(sampled)).containsAll(mlflowSteps(points, null, null, 50));
    assertThat(sampled).extracting(Metric::value).contains(1e6);
    assertThat(sampled.get(0).step()).isZero();
    assertThat(sampled.get(sampled.size() - 1).step()).isEqualTo(999);
    assertThat(runs.metricHistoryBulkInterval(List.of(runId), "m", 10L, 19L, 50)).hasSize(10);
  }

  @Test
  void loggedModels_lifecycle_search_andMetrics() {
    String exp = newExperiment("models");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    LoggedModel model =
        models.create(
            exp,
            "clf",
            "sklearn",
            runId,
            List.of(new Param("C", "1.0")),
            List.of(new Tag("t", "1")));
    assertThat(model.modelId()).matches("m-[0-9a-f]{32}");
    assertThat(model.status()).isEqualTo(LoggedModelStatus.LOGGED_MODEL_PENDING);
    assertThat(model.artifactUri())
        .isEqualTo("mlflow-artifacts:/" + exp + "/models/" + model.modelId() + "/artifacts");
    runs.logBatch(
        runId,
        List.of(new Metric("acc", 0.9, 1, 0, null, model.modelId(), null, null)),
        List.of(),
        List.of());
    runs.logOutputs(runId, List.of(new ModelOutput(model.modelId(), 0)));
    models.finalizeModel(model.modelId(), LoggedModelStatus.LOGGED_MODEL_READY);
    models.setTags(model.modelId(), List.of(new Tag("t", "2")));
    models.logParams(model.modelId(), List.of(new Param("max_iter", "100")));
    models.logParams(model.modelId(), List.of(new Param("max_iter", "100")));
    assertThatThrownBy(
            () ->
                models.logParams(
                    model.modelId(), List.of(new Param("new", "1"), new Param("max_iter", "5"))))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("Changing param values is not allowed");
    LoggedModel got = models.get(model.modelId(), false);
    assertThat(got.status()).isEqualTo(LoggedModelStatus.LOGGED_MODEL_READY);
    assertThat(got.tags()).containsExactly(new Tag("t", "2"));
    assertThat(got.params()).hasSize(2);
    assertThat(got.metrics()).extracting(Metric::value).containsExactly(0.9);
    assertThat(runs.get(runId).modelOutputs()).containsExactly(new ModelOutput(model.modelId(), 0));
    assertThatThrownBy(
            () ->
                runs.logOutputs(
                    runId, List.of(new ModelOutput("m-00000000000000000000000000000000", 1))))
        .isInstanceOf(CairnException.class)
        .hasMessageContaining("not found");
    assertThat(runs.get(runId).modelOutputs()).containsExactly(new ModelOutput(model.modelId(), 0));
    List<LoggedModelOrder> order =
        List.of(
            new LoggedModelOrder(
                SearchParser.parseOrderBy("metrics.acc DESC", SearchSchema.LOGGED_MODELS)));
    assertThat(
            models
                .search(
                    List.of(exp),
                    "name = 'clf' AND status = 'READY' AND metrics.acc > 0.5",
                    order,
                    List.of(),
                    null,
                    null)
                .items())
        .extracting(LoggedModel::modelId)
        .containsExactly(model.modelId());
    models.delete(model.modelId());
    assertThatThrownBy(() -> models.get(model.modelId(), false))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST));
    assertThat(models.get(model.modelId(), true).lifecycleStage())
        .isEqualTo(LifecycleStage.DELETED);
    assertThat(models.search(List.of(exp), null, List.of(), List.of(), null, null).items())
        .isEmpty();
  }

  private List<String> modelNames(
      String exp, String filter, List<LoggedModelOrder> order, MetricDataset... datasets) {
    return models
        .search(List.of(exp), filter, order, List.of(datasets), null, null)
        .items()
        .stream()
        .map(LoggedModel::name)
        .toList();
  }

  @Test
  void loggedModelSearch_withDatasets_looksAtTheMetricsLoggedOnThem() {
    String exp = newExperiment("datasets");
    String runId = runs.create(exp, "me", null, null, List.of()).info().runId();
    String a = models.create(exp, "a", null, runId, List.of(), List.of()).modelId();
    String b = models.create(exp, "b", null, runId, List.of(), List.of()).modelId();
    String c = models.create(exp, "c", null, runId, List.of(), List.of()).modelId();
    runs.logBatch(
        runId,
        List.of(
            new Metric("acc", 0.9, 1, 0, null, a, "train", "d1"),
            new Metric("acc", 0.2, 1, 0, null, a, "eval", "d2"),
            new Metric("acc", 0.5, 1, 0, null, b, "eval", "d2"),
            new Metric("acc", 0.7, 1, 0, null, c, null, null)),
        List.of(),
        List.of());
    MetricDataset train = new MetricDataset("train", "d1");
    MetricDataset eval = new MetricDataset("eval", "d2");
    assertThat(modelNames(exp, null, List.of(), train)).containsExactly("a");
    assertThat(modelNames(exp, null, List.of(), new MetricDataset("train", null)))
        .containsExactly("a");
    assertThat(modelNames(exp, null, List.of(), new MetricDataset("train", "d2"))).isEmpty();
    assertThat(modelNames(exp, null, List.of(), new MetricDataset("", null))).isEmpty();
    assertThat(modelNames(exp, "metrics.acc > 0.6", List.of())).containsExactlyInAnyOrder("c", "a");
    assertThat(modelNames(exp, "metrics.acc > 0.6", List.of(), train)).containsExactly("a");
    assertThat(modelNames(exp, "metrics.acc > 0.4", List.of(), eval)).containsExactly("b");
    assertThat(modelNames(exp, "metrics.acc < 0.4", List.of(), train, eval)).containsExactly("a");
    assertThat(modelNames(exp, "name != 'a'", List.of(), train, eval)).containsExactly("b");
    OrderBy byAcc = SearchParser.parseOrderBy("metrics.acc DESC", SearchSchema.LOGGED_MODELS);
    assertThat(modelNames(exp, null, List.of(new LoggedModelOrder(byAcc, "eval", null))))
        .containsExactly("b", "a", "c");
    OrderBy byName = SearchParser.parseOrderBy("name ASC", SearchSchema.LOGGED_MODELS);
    assertThat(
            modelNames(
                exp,
                null,
                List.of(new LoggedModelOrder(byAcc, "eval", "d9"), new LoggedModelOrder(byName))))
        .containsExactly("a", "b", "c");
  }

  @Test
  void longParamAndTagValues_atTheirLimits_areStored() {
    String runId = runs.create(newExperiment("long"), "me", null, null, List.of()).info().runId();
    Random random = new Random(1);
    StringBuilder param = new StringBuilder();
    StringBuilder tag = new StringBuilder();
    while (tag.length() < 8000) {
      String chunk = Long.toHexString(random.nextLong());
      if (param.length() + chunk.length() <= 6000) {
        param.append(chunk);
      }
      tag.append(chunk);
    }
    String paramValue = param.toString();
    String tagValue = tag.substring(0, 8000);
    runs.logBatch(
        runId, List.of(), List.of(new Param("p", paramValue)), List.of(new Tag("t", tagValue)));
    Run run = runs.get(runId);
    assertThat(run.params()).containsExactly(new Param("p", paramValue));
    assertThat(run.tags()).contains(new Tag("t", tagValue));
  }

  @Test
  void metricForUnknownLoggedModel_isNotFound_andNothingIsStored() {
    String runId =
        runs.create(newExperiment("nomodel"), "me", null, null, List.of()).info().runId();
    assertThatThrownBy(
            () ->
                runs.logBatch(
                    runId,
                    List.of(new Metric("m", 1, 1, 0, null, "m-nope", null, null)),
                    List.of(),
                    List.of()))
        .isInstanceOfSatisfying(
            CairnException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_DOES_NOT_EXIST))
        .hasMessageContaining("m-nope");
    assertThat(runs.get(runId).metrics()).isEmpty();
  }

  @Test
  void settingTheRunNameTag_renamesTheRun() {
    String runId =
        runs.create(newExperiment("rename"), "me", null, "old", List.of()).info().runId();
    runs.logBatch(runId, List.of(), List.of(), List.of(new Tag("mlflow.runName", "new")));
    assertThat(runs.get(runId).info().runName()).isEqualTo("new");
  }

  @Test
  void searchExperiments_byExperimentId() {
    String id = newExperiment("by-id");
    assertThat(
            experiments
                .search(
                    WS, ViewType.ACTIVE_ONLY, "experiment_id = '" + id + "'", List.of(), 10, null)
                .items())
        .extracting(Experiment::name)
        .containsExactly("by-id");
  }

  @Test
  void bulkInterval_ofALongHistory_readsBlocksKeptAtIngest() throws Exception {
    String runId = runs.create(newExperiment("blocks"), "me", null, null, List.of()).info().runId();
    Random random = new Random(11);
    List<Metric> logged = new ArrayList<>();
    for (int step = 0; step < 120_000; step++) {
      if (step % 97 == 13) {
        continue; // gaps
      }
      double value =
          switch (step % 5003) {
            case 17 -> Double.NaN;
            case 29 -> Double.POSITIVE_INFINITY;
            default -> Math.sin(step / 500.0) + random.nextGaussian() * 0.1;
          };
      logged.add(Metric.of("m", step == 77_777 ? -50 : value, 1000 + step, step));
      if (step % 1000 == 500) {
        logged.add(Metric.of("m", value + 0.5, 2000 + step, step)); // the same step again
      }
    }
    List<Metric> shuffled = new ArrayList<>(logged);
    java.util.Collections.shuffle(shuffled, random); // blocks are filled across many batches
    for (int i = 0; i < shuffled.size(); i += 1000) {
      runs.logBatch(
          runId, shuffled.subList(i, Math.min(i + 1000, shuffled.size())), List.of(), List.of());
    }

    // every block row is exactly what folding the logged points gives
    for (int level : MetricBlocks.LEVELS) {
      java.util.Map<Long, MetricBlocks.Block> expected = new java.util.TreeMap<>();
      for (Metric m : logged) {
        expected
            .computeIfAbsent(
                Math.floorDiv(m.step(), MetricBlocks.width(level)), b -> new MetricBlocks.Block())
            .add(m);
      }
      List<String> stored =
          db.read(
              tx ->
                  tx.query(
                      "SELECT block, points, low_step, low_value, high_step, high_value FROM"
                          + " metric_blocks WHERE run_uuid = ? AND level = ? ORDER BY block",
                      rs ->
                          rs.getLong(1)
                              + ":"
                              + rs.getLong(2)
                              + ":"
                              + rs.getLong(3)
                              + "="
                              + rs.getDouble(4)
                              + ":"
                              + rs.getLong(5)
                              + "="
                              + rs.getDouble(6),
                      runId,
                      level));
      List<String> folded = new ArrayList<>();
      expected.forEach(
          (b, block) ->
              folded.add(
                  b
                      + ":"
                      + block.points
                      + ":"
                      + block.low.step()
                      + "="
                      + block.low.value()
                      + ":"
                      + block.high.step()
                      + "="
                      + block.high.value()));
      assertThat(stored).as("level %d", level).isEqualTo(folded);
    }

    java.util.Set<String> real = new java.util.HashSet<>();
    logged.forEach(m -> real.add(m.step() + "/" + m.timestamp()));
    List<Metric> fromBlocks = runs.metricHistoryBulkInterval(List.of(runId), "m", null, null, 1000);
    assertThat(fromBlocks).hasSizeLessThanOrEqualTo(2001 + 10).hasSizeGreaterThan(1500);
    assertThat(fromBlocks).allMatch(m -> real.contains(m.step() + "/" + m.timestamp()));
    assertThat(fromBlocks).isSortedAccordingTo(java.util.Comparator.comparingLong(Metric::step));
    assertThat(fromBlocks.get(0).step()).isZero();
    assertThat(fromBlocks.get(fromBlocks.size() - 1).step()).isEqualTo(119_999);
    assertThat(fromBlocks).extracting(Metric::value).contains(-50.0, Double.POSITIVE_INFINITY);

    assertThat(keys(fromBlocks))
        .isEqualTo(
            keys(
                union(
                    alignedBuckets(logged, 1000),
                    atSteps(logged, mlflowSteps(logged, null, null, 1000)))));

    // keys logged before the blocks existed are downsampled by scanning their history
    db.write(tx -> tx.update("UPDATE latest_metrics SET blocked = ?", false));
    List<Metric> scanned = runs.metricHistoryBulkInterval(List.of(runId), "m", null, null, 1000);
    assertThat(scanned).hasSizeLessThanOrEqualTo(2001 + 10).hasSizeGreaterThan(1500);
    assertThat(scanned).extracting(Metric::value).contains(-50.0, Double.POSITIVE_INFINITY);
    db.write(tx -> tx.update("UPDATE latest_metrics SET blocked = ?", true));

    // a range: nothing outside it, its first and last points kept
    List<Metric> range = runs.metricHistoryBulkInterval(List.of(runId), "m", 10_001L, 90_000L, 200);
    assertThat(range).hasSizeLessThanOrEqualTo(401 + 2).hasSizeGreaterThan(300);
    assertThat(steps(range)).containsAll(mlflowSteps(logged, 10_001L, 90_000L, 200));
    assertThat(range).allMatch(m -> m.step() >= 10_001 && m.step() <= 90_000);
    assertThat(range.get(0).step()).isEqualTo(10_001);
    assertThat(range.get(range.size() - 1).step()).isEqualTo(90_000);
    assertThat(range).extracting(Metric::value).contains(-50.0);
  }

  @Test
  void bulkInterval_withStepsSpanningAllOfInt64_doesNotFail() {
    String runId = runs.create(newExperiment("steps"), "me", null, null, List.of()).info().runId();
    runs.logBatch(
        runId,
        List.of(
            Metric.of("m", 1, 1, -9_000_000_000_000_000_000L),
            Metric.of("m", 2, 1, 0),
            Metric.of("m", 3, 1, 9_000_000_000_000_000_000L),
            Metric.of("m", 4, 2, 9_000_000_000_000_000_000L)),
        List.of(),
        List.of());
    // MLflow's steps (0 and the highest: without a range it starts at 0), and Cairn's ends
    assertThat(runs.metricHistoryBulkInterval(List.of(runId), "m", null, null, 3))
        .extracting(Metric::value)
        .containsExactly(1.0, 2.0, 3.0, 4.0);
  }

  @Test
  void bulkInterval_returnsMlflowsEvenlySpacedSteps_withCairnsExtremesOnTop() {
    // MLflow's own server test (test_get_metric_history_bulk_interval_respects_max_results)
    String exp = newExperiment("sampling");
    String run1 = runs.create(exp, "me", null, null, List.of()).info().runId();
    List<Metric> history = new ArrayList<>();
    for (int step = 0; step < 10; step++) {
      history.add(Metric.of("a", 10.0, 1, step));
    }
    runs.logBatch(run1, history, List.of(), List.of());
    assertThat(steps(runs.metricHistoryBulkInterval(List.of(run1), "a", null, null, 5)))
        .containsExactly(0L, 2L, 4L, 6L, 8L, 9L);
    assertThat(steps(runs.metricHistoryBulkInterval(List.of(run1), "a", 0L, 4L, 5)))
        .containsExactly(0L, 1L, 2L, 3L, 4L);

    // several runs: the steps are chosen from all of theirs, with each run's first and last
    String run2 = runs.create(exp, "me", null, null, List.of()).info().runId();
    List<Metric> history2 = new ArrayList<>();
    for (int step = 0; step < 20; step++) {
      history2.add(Metric.of("a", 10.0, 1, step));
    }
    runs.logBatch(run2, history2, List.of(), List.of());
    List<Metric> both = runs.metricHistoryBulkInterval(List.of(run1, run2), "a", null, null, 5);
    assertThat(both.stream().map(m -> m.runId() + "@" + m.step()).toList())
        .containsExactly(
            run1 + "@0",
            run1 + "@4",
            run1 + "@8",
            run1 + "@9",
            run2 + "@0",
            run2 + "@4",
            run2 + "@8",
            run2 + "@9",
            run2 + "@12",
            run2 + "@16",
            run2 + "@19");
    // steps logged 0, 1, 2, ... in order are chosen by arithmetic; reading them answers the same
    assertThat(dense(run1, "a")).isTrue();
    assertThat(dense(run2, "a")).isTrue();
    db.write(tx -> tx.update("UPDATE latest_metrics SET dense = ?", false));
    assertThat(runs.metricHistoryBulkInterval(List.of(run1, run2), "a", null, null, 5))
        .isEqualTo(both);
    assertThat(runs.metricHistoryBulkInterval(List.of(run2), "a", 3L, 17L, 4))
        .extracting(Metric::step)
        .containsExactly(3L, 6L, 10L, 14L, 17L);
    db.write(tx -> tx.update("UPDATE latest_metrics SET dense = ?", true));
    assertThat(runs.metricHistoryBulkInterval(List.of(run2), "a", 3L, 17L, 4))
        .extracting(Metric::step)
        .containsExactly(3L, 6L, 10L, 14L, 17L);

    // every point of a chosen step
    List<Metric> again = new ArrayList<>();
    for (int step = 0; step < 10; step++) {
      again.add(Metric.of("a", 10.0, 2, step));
    }
    runs.logBatch(run1, again, List.of(), List.of());
    assertThat(dense(run1, "a")).as("a step logged twice").isFalse();
    assertThat(
            runs.metricHistoryBulkInterval(List.of(run1), "a", null, null, 5).stream()
                .map(m -> m.step() + "/" + m.timestamp())
                .toList())
        .containsExactly(
            "0/1", "0/2", "2/1", "2/2", "4/1", "4/2", "6/1", "6/2", "8/1", "8/2", "9/1", "9/2");

    // a spike between the chosen steps is kept too
    String run3 = runs.create(exp, "me", null, null, List.of()).info().runId();
    List<Metric> spiky = new ArrayList<>();
    for (int step = 0; step < 100; step++) {
      spiky.add(Metric.of("s", step == 57 ? 99 : 0, 1, step));
    }
    runs.logBatch(run3, spiky, List.of(), List.of());
    assertThat(steps(runs.metricHistoryBulkInterval(List.of(run3), "s", null, null, 10)))
        .contains(0L, 10L, 20L, 30L, 40L, 50L, 57L, 60L, 70L, 80L, 90L, 99L)
        .isSorted();
  }

  @Test
  void denseSteps_keptAtIngest_onlyWhileEachBatchContinuesTheSteps() {
    String runId = runs.create(newExperiment("dense"), "me", null, null, List.of()).info().runId();
    log(runId, Metric.of("m", 1, 1, 5), Metric.of("m", 1, 1, 6));
    log(runId, Metric.of("m", 1, 1, 7));
    assertThat(dense(runId, "m")).isTrue();
    log(runId, Metric.of("m", 1, 1, 9));
    assertThat(dense(runId, "m")).as("a gap").isFalse();
    log(runId, Metric.of("k", 1, 1, 2), Metric.of("k", 1, 1, 1));
    assertThat(dense(runId, "k")).as("out of order").isFalse();
    log(runId, Metric.of("j", 1, 1, 1), Metric.of("j", 1, 2, 2));
    log(runId, Metric.of("j", 1, 3, 2));
    assertThat(dense(runId, "j")).as("step 2 again").isFalse();
    // the last step there is
    log(runId, Metric.of("x", 1, 1, Long.MAX_VALUE));
    log(runId, Metric.of("x", 1, 2, Long.MAX_VALUE));
    assertThat(dense(runId, "x")).isFalse();
    assertThat(runs.metricHistoryBulkInterval(List.of(runId), "x", null, null, 5)).hasSize(2);
    log(runId, Metric.of("y", 1, 1, Long.MAX_VALUE - 1), Metric.of("y", 1, 1, Long.MAX_VALUE));
    assertThat(dense(runId, "y")).isTrue();
    assertThat(runs.metricHistoryBulkInterval(List.of(runId), "y", null, null, 5)).hasSize(2);
  }

  private void log(String runId, Metric... points) {
    runs.logBatch(runId, List.of(points), List.of(), List.of());
  }

  private boolean dense(String runId, String key) {
    return db.read(
        tx ->
            tx.first(
                    "SELECT dense FROM latest_metrics WHERE run_uuid = ? AND key = ?",
                    rs -> rs.getBoolean(1),
                    runId,
                    key)
                .orElseThrow());
  }

  private static List<Long> steps(List<Metric> points) {
    return points.stream().map(Metric::step).toList();
  }

  /** MLflow's step choice for one run, written from its store's Python (an independent copy). */
  private static List<Long> mlflowSteps(List<Metric> logged, Long start, Long end, int max) {
    java.util.TreeSet<Long> all = new java.util.TreeSet<>();
    logged.forEach(m -> all.add(m.step()));
    long from = start == null ? 0 : start;
    long to = end == null ? all.last() : end;
    List<Long> inRange = new ArrayList<>(all.subSet(from, true, to, true));
    java.util.TreeSet<Long> chosen = new java.util.TreeSet<>();
    if (inRange.size() <= max) {
      chosen.addAll(inRange);
    } else {
      double interval = (double) inRange.size() / max;
      for (int i = 0; i < max; i++) {
        chosen.add(inRange.get((int) (i * interval)));
      }
      chosen.add(inRange.get(inRange.size() - 1));
    }
    for (long bound : List.of(all.first(), all.last())) {
      if (bound >= from && bound <= to) {
        chosen.add(bound);
      }
    }
    return new ArrayList<>(chosen);
  }

  private static List<Metric> atSteps(List<Metric> logged, List<Long> steps) {
    java.util.Set<Long> wanted = new java.util.HashSet<>(steps);
    return logged.stream().filter(m -> wanted.contains(m.step())).toList();
  }

  private static List<Metric> union(List<Metric> a, List<Metric> b) {
    java.util.TreeSet<Metric> all =
        new java.util.TreeSet<>(
            java.util.Comparator.comparingLong(Metric::step)
                .thenComparingLong(Metric::timestamp)
                .thenComparingDouble(Metric::value));
    all.addAll(a);
    all.addAll(b);
    return new ArrayList<>(all);
  }

  private static List<String> keys(List<Metric> points) {
    return points.stream().map(m -> m.step() + "/" + m.timestamp() + "/" + m.value()).toList();
  }

  /**
   * What the block path must answer, computed from the raw points: the first and last point, and
   * the lowest and highest point of each bucket, a bucket being a run of whole blocks of the widest
   * level at most half an even bucket wide (partial end blocks join the end buckets).
   */
  private static List<Metric> alignedBuckets(List<Metric> logged, int maxPoints) {
    java.util.Comparator<Metric> order =
        java.util.Comparator.comparingLong(Metric::step)
            .thenComparingLong(Metric::timestamp)
            .thenComparingDouble(Metric::value);
    List<Metric> sorted = logged.stream().sorted(order).toList();
    Metric first = sorted.get(0);
    Metric last = sorted.get(sorted.size() - 1);
    int count = (maxPoints - 2) / 2;
    double bucketWidth = ((double) last.step() - first.step() + 1) / count;
    long width = 0;
    for (int level : MetricBlocks.LEVELS) {
      if (MetricBlocks.width(level) <= bucketWidth / 2) {
        width = MetricBlocks.width(level);
      }
    }
    long firstBlock = Math.floorDiv(first.step() + width - 1, width);
    long lastBlock = Math.floorDiv(last.step() + 1, width) - 1;
    long perBucket = (lastBlock - firstBlock + 1 + count - 1) / count;
    Metric[] low = new Metric[count];
    Metric[] high = new Metric[count];
    for (Metric m : sorted) {
      if (Double.isNaN(m.value())) {
        continue;
      }
      int b =
          (int)
              Math.max(
                  0, Math.min(count - 1, Math.floorDiv(m.step() / width - firstBlock, perBucket)));
      if (low[b] == null || m.value() < low[b].value()) {
        low[b] = m;
      }
      if (high[b] == null || m.value() > high[b].value()) {
        high[b] = m;
      }
    }
    java.util.TreeSet<Metric> kept = new java.util.TreeSet<>(order);
    kept.add(first);
    kept.add(last);
    for (int b = 0; b < count; b++) {
      if (low[b] != null) {
        kept.add(low[b]);
        kept.add(high[b]);
      }
    }
    return new ArrayList<>(kept);
  }

  private Page<Run> search(String exp, String filter, List<String> orderBy) {
    return runs.search(List.of(exp), ViewType.ACTIVE_ONLY, filter, orderBy, null, null);
  }

  private static List<String> ids(Page<Run> page) {
    return page.items().stream().map(r -> r.info().runId()).toList();
  }
}
