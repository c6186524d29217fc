package io.cairn.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.ModelFiles;
import io.cairn.core.registry.ModelStage;
import io.cairn.core.registry.ModelVersion;
import io.cairn.core.registry.RegisteredModel;
import io.cairn.core.registry.RegistryService;
import io.cairn.core.tracking.ArtifactLocations;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.Ids;
import io.cairn.core.tracking.LoggedModel;
import io.cairn.core.tracking.LoggedModelService;
import io.cairn.core.tracking.RunNames;
import io.cairn.core.tracking.RunService;
import io.cairn.core.tracking.Tag;
import io.cairn.storage.local.LocalArtifactRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry store contract, run against every backend through the registry service. */
abstract class RegistryContract {
  static final String WS = "default";
  @TempDir Path artifactDir;
  Database db;
  RunService runs;
  LoggedModelService loggedModels;
  ExperimentService experiments;
  RegistryService registry;
  DatasetContract.ManualClock clock;

  abstract Database open() throws Exception;

  void cleanUp() {}

  @BeforeEach
  void setUp() throws Exception {
    db = open();
    Clock clock = Clock.systemUTC();
    Ids ids = new Ids(new Random(3));
    RunNames names = new RunNames(new Random(4));
    experiments =
        new ExperimentService(new SqlExperimentStore(db), ArtifactLocations.proxied(), clock);
    runs = new RunService(new SqlRunStore(db), experiments, ids, names, clock);
    loggedModels =
        new LoggedModelService(new SqlLoggedModelStore(db), experiments, ids, names, clock);
    ModelFiles files =
        new ModelFiles(
            new LocalArtifactRepository(artifactDir),
            file -> {
              throw new AssertionError("no ONNX file is expected in this test: " + file);
            });
    this.clock = new DatasetContract.ManualClock();
    registry = new RegistryService(new SqlRegistryStore(db), runs, loggedModels, files, this.clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
    cleanUp();
  }

  private static void assertCode(Runnable call, ErrorCode code, String fragment) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(CairnException.class, e -> assertThat(e.code()).isEqualTo(code))
        .hasMessageContaining(fragment);
  }

  private String newRun() {
    String exp = experiments.create(WS, "exp-" + System.nanoTime(), null, List.of());
    return runs.create(exp, "me", null, null, List.of()).info().runId();
  }

  @Test
  void registeredModel_lifecycle() {
    registry.create(WS, "wine", "first", "me", List.of(new Tag("team", "a")));
    assertCode(
        () -> registry.create(WS, "wine", null, null, List.of()),
        ErrorCode.RESOURCE_ALREADY_EXISTS,
        "wine");
    registry.update(WS, "wine", "second");
    RegisteredModel renamed = registry.rename(WS, "wine", "wine-quality");
    assertThat(renamed.description()).isEqualTo("second");
    assertThat(renamed.tags()).containsExactly(new Tag("team", "a"));
    assertCode(() -> registry.get(WS, "wine"), ErrorCode.RESOURCE_DOES_NOT_EXIST, "wine");
    registry.setTag(WS, "wine-quality", new Tag("k", "v"));
    registry.deleteTag(WS, "wine-quality", "team");
    assertThat(registry.get(WS, "wine-quality").tags()).containsExactly(new Tag("k", "v"));
    registry.delete(WS, "wine-quality");
    assertCode(
        () -> registry.get(WS, "wine-quality"), ErrorCode.RESOURCE_DOES_NOT_EXIST, "not found");
    assertCode(
        () -> registry.create(WS, "a/b", null, null, List.of()),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "'/'");
  }

  @Test
  void versions_areNumberedByTheDatabase_andNeverReused() {
    String run = newRun();
    registry.create(WS, "m", null, null, List.of());
    for (int i = 1; i <= 3; i++) {
      assertThat(
              registry
                  .createVersion(
                      WS, "m", "runs:/" + run + "/model", null, null, null, null, "me", List.of())
                  .version())
          .isEqualTo(i);
    }
    registry.deleteVersion(WS, "m", "3");
    assertThat(
            registry
                .createVersion(
                    WS, "m", "runs:/" + run + "/model", null, null, null, null, null, List.of())
                .version())
        .isEqualTo(4);
    ModelVersion v1 = registry.getVersion(WS, "m", "1");
    assertThat(v1.runId()).isEqualTo(run);
    assertThat(v1.storageLocation()).endsWith("/" + run + "/artifacts/model");
    assertThat(v1.status()).isEqualTo("READY");
    assertThat(v1.stage()).isEqualTo(ModelStage.NONE);
    assertCode(
        () -> registry.getVersion(WS, "m", "3"), ErrorCode.RESOURCE_DOES_NOT_EXIST, "version=3");
    assertCode(
        () -> registry.getVersion(WS, "m", "x"),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "positive integer");
  }

  @Test
  void loggedModelSource_resolvesToItsArtifacts() {
    String exp = experiments.create(WS, "lm", null, List.of());
    String run = runs.create(exp, "me", null, null, List.of()).info().runId();
    LoggedModel lm = loggedModels.create(exp, "model", null, run, List.of(), List.of());
    registry.create(WS, "from-logged", null, null, List.of());
    ModelVersion v =
        registry.createVersion(
            WS, "from-logged", "models:/" + lm.modelId(), null, null, null, null, null, List.of());
    assertThat(v.modelId()).isEqualTo(lm.modelId());
    assertThat(v.runId()).isEqualTo(run);
    assertThat(v.storageLocation()).isEqualTo(lm.artifactUri());
    assertCode(
        () ->
            registry.createVersion(
                WS, "from-logged", "models:/m-0000", null, null, null, null, null, List.of()),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "m-0000");
  }

  private ModelVersion version(String model, String source, String runId) {
    return registry.createVersion(WS, model, source, runId, null, null, null, null, List.of());
  }

  @Test
  void localOrTraversingSources_areRefused_remoteAndStoreSourcesAreKept() {
    String run = newRun();
    registry.create(WS, "sources", null, null, List.of());
    for (String local :
        List.of(
            "file:///etc",
            "/etc",
            "../../../etc",
            "etc/passwd",
            "file:/etc/passwd",
            "file://localhost/etc/passwd",
            "file://other-host/etc/passwd")) {
      assertCode(
          () -> version("sources", local, null),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "Invalid model version source '" + local + "': it is a local path");
      assertCode(
          () -> version("sources", local, run),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "inside the artifact location of the run " + run);
    }
    for (String traversing :
        List.of(
            "s3://bucket/models/../../other",
            "mlflow-artifacts:/1/../../etc",
            "mlflow-artifacts://host:5000/..%2f..%2fetc",
            "https://host/api/2.0/mlflow-artifacts/artifacts/%252e%252e/x",
            "runs:/" + run + "/../../x",
            "s3://bucket/a/./b",
            "models:relative/1")) {
      assertCode(
          () -> version("sources", traversing, run),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "Invalid model version source '" + traversing + "'");
    }
    assertCode(
        () -> version("sources", "http://host/x%00", null),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "NUL");
    assertThat(registry.searchVersions(WS, "name = 'sources'", List.of(), null, null).items())
        .isEmpty();
    for (String kept :
        List.of(
            "runs:/" + run + "/model",
            "s3://bucket/models/m",
            "https://localhost:5000/models/m",
            "mlflow-artifacts:/1/" + run + "/artifacts/model")) {
      assertThat(version("sources", kept, null).source()).isEqualTo(kept);
    }
  }

  @Test
  void localSource_isAcceptedOnlyInsideTheLocalArtifactFolderOfItsRun() {
    String exp =
        experiments.create(
            WS, "local-" + System.nanoTime(), artifactDir.resolve("mlruns").toString(), List.of());
    String run = runs.create(exp, "me", null, null, List.of()).info().runId();
    String sibling = runs.create(exp, "me", null, null, List.of()).info().runId();
    String root = runs.info(run).artifactUri();
    registry.create(WS, "local", null, null, List.of());

    assertThat(version("local", root + "/model", run).storageLocation()).isEqualTo(root + "/model");
    assertThat(version("local", "file://" + root + "/model", run).runId()).isEqualTo(run);
    assertCode(
        () -> version("local", root + "/model", sibling),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "inside the artifact location of the run " + sibling);
    assertCode(
        () -> version("local", root + "/../../" + sibling + "/artifacts", run),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "inside the artifact location of the run " + run);
    String proxied = newRun();
    assertCode(
        () -> version("local", root + "/model", proxied),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "not a local folder");
  }

  @Test
  void aliasesAndStages() {
    String run = newRun();
    registry.create(WS, "staged", null, null, List.of());
    for (int i = 0; i < 3; i++) {
      registry.createVersion(
          WS, "staged", "runs:/" + run + "/m", null, null, null, null, null, List.of());
    }
    registry.setAlias(WS, "staged", "champion", "1");
    registry.setAlias(WS, "staged", "champion", "2");
    assertThat(registry.getByAlias(WS, "staged", "champion").version()).isEqualTo(2);
    assertThat(registry.get(WS, "staged").aliases()).containsEntry("champion", 2L);
    assertThat(registry.getVersion(WS, "staged", "2").aliases()).containsExactly("champion");
    assertCode(
        () -> registry.setAlias(WS, "staged", "latest", "1"),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "latest");
    assertCode(
        () -> registry.setAlias(WS, "staged", "v3", "1"),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "v<number>");
    registry.transition(WS, "staged", "1", "production", false);
    registry.transition(WS, "staged", "2", "Production", true);
    assertThat(registry.getVersion(WS, "staged", "1").stage()).isEqualTo(ModelStage.ARCHIVED);
    assertThat(registry.latestVersions(WS, "staged", List.of("Production")))
        .extracting(ModelVersion::version)
        .containsExactly(2L);
    assertThat(registry.latestVersions(WS, "staged", List.of()))
        .extracting(ModelVersion::version)
        .containsExactlyInAnyOrder(1L, 2L, 3L);
    assertThat(registry.get(WS, "staged").latestVersions()).hasSize(3);
    registry.deleteVersion(WS, "staged", "2");
    assertCode(
        () -> registry.getByAlias(WS, "staged", "champion"),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "champion");
    assertCode(
        () -> registry.transition(WS, "staged", "1", "Live", false),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "Live");
  }

  @Test
  void search_asTheMlflowClientsDo() {
    String run = newRun();
    registry.create(WS, "alpha", null, null, List.of());
    registry.create(WS, "beta", null, null, List.of(new Tag("team", "x")));
    registry.create(WS, "prompt", null, null, List.of(new Tag("mlflow.prompt.is_prompt", "true")));
    registry.createVersion(
        WS,
        "alpha",
        "runs:/" + run + "/m",
        null,
        null,
        null,
        null,
        null,
        List.of(new Tag("k", "v")));
    registry.createVersion(
        WS, "beta", "runs:/" + run + "/m", null, null, null, null, null, List.of());
    assertThat(
            registry
                .search(WS, "tag.`mlflow.prompt.is_prompt` != 'true'", List.of(), null, null)
                .items())
        .extracting(RegisteredModel::name)
        .containsExactly("alpha", "beta");
    assertThat(
            registry
                .search(WS, "name LIKE 'b%' AND tags.team = 'x'", List.of(), null, null)
                .items())
        .extracting(RegisteredModel::name)
        .containsExactly("beta");
    assertThat(registry.search(WS, null, List.of("name DESC"), 2, null).items())
        .extracting(RegisteredModel::name)
        .containsExactly("prompt", "beta");
    assertThat(registry.searchVersions(WS, "name = 'alpha'", List.of(), null, null).items())
        .extracting(ModelVersion::version)
        .containsExactly(1L);
    assertThat(
            registry.searchVersions(WS, "run_id IN ('" + run + "')", List.of(), null, null).items())
        .hasSize(2);
    assertThat(registry.searchVersions(WS, "tags.k = 'v'", List.of(), null, null).items())
        .extracting(ModelVersion::name)
        .containsExactly("alpha");
  }

  @Test
  void runsThisServerDoesNotHold_areKept_butLocalAndStoreSourcesNeedTheirRun() {
    String foreign = "0123456789abcdef0123456789abcdef";
    registry.create(WS, "foreign", null, null, List.of());
    ModelVersion fromRun = version("foreign", "runs:/" + foreign + "/model", null);
    assertThat(fromRun.runId()).isEqualTo(foreign);
    assertThat(fromRun.storageLocation()).isEqualTo("runs:/" + foreign + "/model");
    ModelVersion remote = version("foreign", "s3://bucket/models/m", foreign);
    assertThat(remote.runId()).isEqualTo(foreign);
    assertThat(remote.storageLocation()).isEqualTo("s3://bucket/models/m");
    assertThat(
            registry
                .searchVersions(WS, "run_id = '" + foreign + "'", List.of(), null, null)
                .items())
        .extracting(ModelVersion::version)
        .containsExactly(2L, 1L);
    for (String source :
        List.of(
            "/tmp/model",
            "file:///tmp/model",
            "mlflow-artifacts:/0/" + foreign + "/artifacts/model",
            "http://host/api/2.0/mlflow-artifacts/artifacts/0/" + foreign + "/artifacts/m")) {
      assertCode(
          () -> version("foreign", source, foreign),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "run " + foreign + " is not on this server");
    }
    assertThat(registry.get(WS, "foreign").latestVersions())
        .extracting(ModelVersion::version)
        .containsExactly(2L);
    for (String source : List.of("s3://bucket/models/m", "runs:/" + "x".repeat(300) + "/m")) {
      assertCode(
          () -> version("foreign", source, source.startsWith("s3") ? "x".repeat(300) : null),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "not a run id");
    }
  }

  @Test
  void modelVersionSource_inheritsTheLineageOfTheVersionItNames() {
    String exp = experiments.create(WS, "inherit", null, List.of());
    String run = runs.create(exp, "me", null, null, List.of()).info().runId();
    LoggedModel lm = loggedModels.create(exp, "model", null, run, List.of(), List.of());
    registry.create(WS, "first", null, null, List.of());
    registry.create(WS, "copy", null, null, List.of());
    version("first", "models:/" + lm.modelId(), null);
    ModelVersion copy = version("copy", "models:/first/1", null);
    assertThat(copy.runId()).isEqualTo(run);
    assertThat(copy.modelId()).isEqualTo(lm.modelId());
    assertThat(copy.storageLocation()).isEqualTo(lm.artifactUri());
  }

  @Test
  void versionSearch_ordersAsMlflow_lastUpdatedFirstThenNameThenVersionDescending() {
    String run = newRun();
    for (String name : List.of("b", "a")) {
      registry.create(WS, name, null, null, List.of());
      for (int i = 0; i < 3; i++) {
        version(name, "runs:/" + run + "/m", null);
      }
    }
    clock.millis.addAndGet(1000);
    registry.updateVersion(WS, "b", "1", "touched");
    assertThat(registry.searchVersions(WS, null, List.of(), null, null).items())
        .extracting(v -> v.name() + v.version())
        .containsExactly("b1", "a3", "a2", "a1", "b3", "b2");
    assertThat(registry.searchVersions(WS, null, List.of("name ASC"), null, null).items())
        .extracting(v -> v.name() + v.version())
        .containsExactly("a3", "a2", "a1", "b3", "b2", "b1");
    assertThat(registry.searchVersions(WS, null, List.of("version_number ASC"), null, null).items())
        .extracting(v -> v.name() + v.version())
        .containsExactly("a1", "b1", "a2", "b2", "a3", "b3");
    clock.millis.addAndGet(1000);
    registry.update(WS, "b", "touched");
    assertThat(registry.search(WS, null, List.of("creation_timestamp ASC"), null, null).items())
        .extracting(RegisteredModel::name)
        .containsExactly("a", "b");
  }

  @Test
  void deletingAVersion_updatesItsRegisteredModel() {
    String run = newRun();
    registry.create(WS, "deleted", null, null, List.of());
    version("deleted", "runs:/" + run + "/m", null);
    long before = registry.get(WS, "deleted").lastUpdatedTimestamp();
    clock.millis.addAndGet(1000);
    registry.deleteVersion(WS, "deleted", "1");
    assertThat(registry.get(WS, "deleted").lastUpdatedTimestamp()).isEqualTo(before + 1000);
  }

  @Test
  void versionsOfALoggedModel_areListedInItsModelVersionsTag() {
    String exp = experiments.create(WS, "tagged", null, List.of());
    String run = runs.create(exp, "me", null, null, List.of()).info().runId();
    LoggedModel lm = loggedModels.create(exp, "model", null, run, List.of(), List.of());
    registry.create(WS, "r\u00e9g", null, null, List.of());
    registry.create(WS, "other", null, null, List.of());
    version("r\u00e9g", "models:/" + lm.modelId(), null);
    registry.createVersion(
        WS, "r\u00e9g", "s3://b/m", run, null, lm.modelId(), null, null, List.of());
    version("other", "runs:/" + run + "/m", null);
    version("other", "models:/r\u00e9g/1", null);
    assertThat(loggedModels.get(lm.modelId(), false).tags())
        .containsExactly(
            new Tag(
                "mlflow.modelVersions",
                "[{\"name\": \"r\\u00e9g\", \"version\": 1}, {\"name\": \"r\\u00e9g\","
                    + " \"version\": 2}, {\"name\": \"other\", \"version\": 2}]"));
  }

  @Test
  void concurrentCreators_getVersionsOneToNWithoutDuplicatesOrGaps() throws Exception {
    String run = newRun();
    registry.create(WS, "busy", null, null, List.of());
    int creators = 24;
    int each = 5;
    ExecutorService pool = Executors.newFixedThreadPool(creators);
    ConcurrentLinkedQueue<Long> numbers = new ConcurrentLinkedQueue<>();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < creators; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i = 0; i < each; i++) {
                  numbers.add(
                      registry
                          .createVersion(
                              WS,
                              "busy",
                              "runs:/" + run + "/m",
                              null,
                              null,
                              null,
                              null,
                              null,
                              List.of())
                          .version());
                }
                return null;
              }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    Set<Long> unique = new TreeSet<>(numbers);
    int n = creators * each;
    System.out.printf(
        "registry concurrency: %d versions created, %d duplicates, %d gaps%n",
        numbers.size(), numbers.size() - unique.size(), n - unique.size());
    assertThat(numbers).hasSize(n);
    assertThat(unique).hasSize(n).first().isEqualTo(1L);
    assertThat(((TreeSet<Long>) unique).last()).isEqualTo((long) n);
  }
}
