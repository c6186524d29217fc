package io.cairn.storage.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.core.dataset.BlobStore;
import io.cairn.core.dataset.Dataset;
import io.cairn.core.dataset.DatasetFile;
import io.cairn.core.dataset.DatasetInfo;
import io.cairn.core.dataset.DatasetService;
import io.cairn.core.dataset.DatasetStore;
import io.cairn.core.dataset.DatasetStore.BlobState;
import io.cairn.core.dataset.DatasetVersion;
import io.cairn.core.dataset.Manifest;
import io.cairn.core.dataset.NewDatasetVersion;
import io.cairn.core.dataset.TableFormat;
import io.cairn.core.dataset.TableProfile;
import io.cairn.core.dataset.TableProfiler;
import io.cairn.core.dataset.VersionUsage;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.registry.NewModelVersion;
import io.cairn.core.tracking.ArtifactLocations;
import io.cairn.core.tracking.DatasetInput;
import io.cairn.core.tracking.ExperimentService;
import io.cairn.core.tracking.Ids;
import io.cairn.core.tracking.RunNames;
import io.cairn.core.tracking.RunService;
import io.cairn.core.tracking.Tag;
import io.cairn.storage.local.LocalArtifactRepository;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dataset store contract, run against every backend: the store directly, the service on top of
 * it with a local blob store, and run inputs linked through the run store. A subclass says how to
 * open its database.
 */
abstract class DatasetContract {
  static final String WS = "default";
  static final long T = 1_700_000_000_000L;
  static final long STALE = 15 * 60 * 1000L;

  @TempDir Path dir;
  Database db;
  SqlDatasetStore store;
  ExperimentService experiments;
  RunService runs;

  abstract Database open() throws Exception;

  void cleanUp() {}

  @BeforeEach
  void setUp() throws Exception {
    db = open();
    store = new SqlDatasetStore(db);
    Clock clock = Clock.systemUTC();
    experiments =
        new ExperimentService(new SqlExperimentStore(db), ArtifactLocations.proxied(), clock);
    runs =
        new RunService(
            new SqlRunStore(db),
            experiments,
            new Ids(new Random(5)),
            new RunNames(new Random(6)),
            clock);
  }

  @AfterEach
  void tearDown() {
    db.close();
    cleanUp();
  }

  // Helpers

  static String sha(String seed) {
    return HexFormat.of()
        .formatHex(Manifest.sha256().digest(seed.getBytes(StandardCharsets.UTF_8)));
  }

  static DatasetFile file(String path, String seed, long size) {
    return new DatasetFile(path, size, sha(seed));
  }

  /** Records blobs as uploaded at time {@code at}. */
  void stored(long at, DatasetFile... files) {
    for (DatasetFile f : files) {
      assertThat(store.blobStored(f.sha256(), f.size(), at, at - STALE)).isTrue();
    }
  }

  long commit(String name, long at, List<String> tags, DatasetFile... files) {
    List<DatasetFile> sorted = Manifest.checked(List.of(files));
    return store.createVersion(
        WS,
        name,
        new NewDatasetVersion(sorted, "msg", "me", null, tags, null, false),
        Manifest.digest(sorted),
        at);
  }

  void newDataset(String name) {
    store.createDataset(WS, name, DatasetInfo.empty(), T);
  }

  static void assertCode(ThrowingCallable call, ErrorCode code, String... fragments) {
    var assertion =
        assertThatThrownBy(call)
            .isInstanceOfSatisfying(
                CairnException.class, e -> assertThat(e.code()).isEqualTo(code));
    for (String f : fragments) {
      assertion.hasMessageContaining(f);
    }
  }

  long count(String sql, Object... args) {
    return db.read(tx -> tx.first(sql, rs -> rs.getLong(1), args).orElseThrow());
  }

  // Datasets

  @Test
  void dataset_createGetUpdateListDelete() {
    DatasetInfo info =
        new DatasetInfo(
            "Wine quality",
            "CC-BY-4.0",
            List.of("wine", "tabular"),
            List.of(-10.5, 35.0, 30.25, 60.0),
            "2020-01-01T00:00:00Z",
            null,
            "{\"owner\": \"ana\"}");
    store.createDataset(WS, "wine", info, T);
    Dataset d = store.getDataset(WS, "wine").orElseThrow();
    assertThat(d.name()).isEqualTo("wine");
    assertThat(d.info()).isEqualTo(info);
    assertThat(d.createdTime()).isEqualTo(T);
    assertThat(d.lastUpdatedTime()).isEqualTo(T);
    assertThat(d.latestVersion()).isZero();
    assertThat(d.tags()).isEmpty();
    assertThat(store.getDataset(WS, "Wine")).isEmpty();
    assertThat(store.getDataset("other", "wine")).isEmpty();

    assertCode(
        () -> store.createDataset(WS, "wine", DatasetInfo.empty(), T),
        ErrorCode.RESOURCE_ALREADY_EXISTS,
        "wine");
    assertCode(
        () -> store.createDataset("no-such-workspace", "wine", DatasetInfo.empty(), T),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "no-such-workspace");

    DatasetInfo changed =
        info.merge(new DatasetInfo(null, "MIT", null, null, null, "2021-01-01T00:00:00Z", null));
    store.updateDataset(WS, "wine", changed, T + 5);
    d = store.getDataset(WS, "wine").orElseThrow();
    assertThat(d.info()).isEqualTo(changed);
    assertThat(d.info().keywords()).containsExactly("wine", "tabular");
    assertThat(d.lastUpdatedTime()).isEqualTo(T + 5);
    assertCode(
        () -> store.updateDataset(WS, "nope", changed, T),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "nope");

    store.createDataset(WS, "beer", DatasetInfo.empty(), T);
    store.createDataset(WS, "red-wine", DatasetInfo.empty(), T);
    assertThat(store.listDatasets(WS, null, 10, 0))
        .extracting(Dataset::name)
        .containsExactly("beer", "red-wine", "wine");
    assertThat(store.listDatasets(WS, "%wine%", 10, 0))
        .extracting(Dataset::name)
        .containsExactly("red-wine", "wine");
    assertThat(store.listDatasets(WS, null, 2, 1))
        .extracting(Dataset::name)
        .containsExactly("red-wine", "wine");
    assertThat(store.getDataset(WS, "beer").orElseThrow().info()).isEqualTo(DatasetInfo.empty());

    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    commit("wine", T, List.of("clean"), a);
    assertThat(store.deleteDataset(WS, "wine")).containsExactly(a.sha256());
    assertThat(store.getDataset(WS, "wine")).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM managed_dataset_files")).isZero();
    assertThat(count("SELECT COUNT(*) FROM managed_dataset_tags")).isZero();
    assertCode(() -> store.deleteDataset(WS, "wine"), ErrorCode.RESOURCE_DOES_NOT_EXIST, "wine");
  }

  // Versions

  @Test
  void versions_areNumberedFromOne_andRecordTheirManifest() {
    newDataset("wine");
    DatasetFile b = file("data/b.csv", "b", 20);
    DatasetFile a = file("data/a.csv", "a", 10);
    DatasetFile u = file("ünï/😀.bin", "u", 3);
    stored(T, a, b, u);
    List<DatasetFile> sorted = Manifest.checked(List.of(b, u, a));
    long v1 =
        store.createVersion(
            WS,
            "wine",
            new NewDatasetVersion(sorted, "first", "ana", null, List.of(), "{\"k\": 1}", false),
            Manifest.digest(sorted),
            T + 1);
    assertThat(v1).isEqualTo(1);
    long v2 = commit("wine", T + 2, List.of(), a);
    assertThat(v2).isEqualTo(2);

    DatasetVersion first = store.getVersion(WS, "wine", 1).orElseThrow();
    assertThat(first)
        .isEqualTo(
            new DatasetVersion(
                "wine",
                1,
                "first",
                "ana",
                null,
                T + 1,
                Manifest.digest(sorted),
                3,
                33,
                "{\"k\": 1}",
                false,
                List.of()));
    assertThat(store.files(WS, "wine", 1)).containsExactly(a, b, u);
    assertThat(store.files(WS, "wine", 2)).containsExactly(a);
    assertThat(store.file(WS, "wine", 1, b.path())).contains(b);
    assertThat(store.file(WS, "wine", 2, b.path())).isEmpty();
    assertThat(store.getVersion(WS, "wine", 3)).isEmpty();
    assertThat(store.getVersion(WS, "nope", 1)).isEmpty();
    assertCode(() -> store.files(WS, "wine", 3), ErrorCode.RESOURCE_DOES_NOT_EXIST, "3");

    Dataset d = store.getDataset(WS, "wine").orElseThrow();
    assertThat(d.latestVersion()).isEqualTo(2);
    assertThat(d.lastUpdatedTime()).isEqualTo(T + 2);

    for (int i = 3; i <= 5; i++) {
      commit("wine", T + i, List.of(), a);
    }
    assertThat(store.listVersions(WS, "wine", 100, 0))
        .extracting(DatasetVersion::version)
        .containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(store.listVersions(WS, "wine", 2, 1))
        .extracting(DatasetVersion::version)
        .containsExactly(4L, 3L);
    assertThat(store.listVersions(WS, "wine", Integer.MAX_VALUE, 0)).hasSize(5);
    assertCode(
        () -> store.listVersions(WS, "nope", 10, 0), ErrorCode.RESOURCE_DOES_NOT_EXIST, "nope");
  }

  @Test
  void versions_ofThousandsOfFiles_areStoredAndClaimedInChunks() {
    newDataset("big");
    int n = 5_432;
    List<DatasetFile> files = new ArrayList<>();
    List<Object[]> blobRows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      DatasetFile f = file(String.format("part-%05d/data.bin", i), "big" + i, i);
      files.add(f);
      blobRows.add(new Object[] {f.sha256(), f.size(), T});
    }
    db.write(
        tx -> {
          tx.batch(
              "INSERT INTO blobs (sha256, size, state, last_touched) VALUES (?, ?, 'present', ?)",
              blobRows);
          return null;
        });
    List<String> shas = files.stream().map(DatasetFile::sha256).toList();
    assertThat(store.missingBlobs(shas, T + 1)).isEmpty();
    assertThat(store.blobSizes(shas)).hasSize(n);
    assertThat(commit("big", T + 2, List.of(), files.toArray(DatasetFile[]::new))).isEqualTo(1);
    assertThat(store.files(WS, "big", 1)).isEqualTo(files);
    assertThat(store.getVersion(WS, "big", 1).orElseThrow().fileCount()).isEqualTo(n);

    Set<String> released = store.deleteVersion(WS, "big", 1);
    assertThat(released).hasSize(n);
    Set<String> claimed = new TreeSet<>();
    Map<String, Long> batch;
    do {
      batch = store.claimUnreferencedBlobs(T + 10, released, 1000, T + 10);
      assertThat(batch.size()).isLessThanOrEqualTo(1000);
      claimed.addAll(batch.keySet());
    } while (batch.size() == 1000);
    assertThat(claimed).isEqualTo(new TreeSet<>(shas));
    assertThat(count("SELECT COUNT(*) FROM blobs WHERE state = 'deleting'")).isEqualTo(n);
  }

  @Test
  void concurrentCommits_numberOneToNWithoutDuplicatesOrGaps() throws Exception {
    newDataset("race");
    DatasetFile a = file("a.bin", "a", 1);
    stored(T, a);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Long>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      long at = T + i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                for (int attempt = 0; ; attempt++) {
                  try {
                    return commit("race", at, List.of("newest"), a);
                  } catch (CairnException e) {
                    // SQLite's busy timeout or a PostgreSQL serialisation failure: try again
                    if (e.code() != ErrorCode.TEMPORARILY_UNAVAILABLE || attempt > 20) {
                      throw e;
                    }
                  }
                }
              }));
    }
    start.countDown();
    List<Long> numbers = new ArrayList<>();
    for (Future<Long> f : results) {
      numbers.add(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    Collections.sort(numbers);
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 16; i++) {
      expected.add(i);
    }
    assertThat(numbers).isEqualTo(expected);
    Dataset d = store.getDataset(WS, "race").orElseThrow();
    assertThat(d.latestVersion()).isEqualTo(16);
    assertThat(store.listVersions(WS, "race", 100, 0)).hasSize(16);
    assertThat(d.tags()).hasSize(1).containsKey("newest");

    DatasetFile missing = file("m.bin", "missing", 1);
    assertThatThrownBy(() -> commit("race", T, List.of(), missing))
        .isInstanceOf(CairnException.class);
    assertThat(commit("race", T, List.of(), a)).isEqualTo(17);
  }

  @Test
  void tags_pointAtOneVersion_andMove() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    commit("wine", T, List.of("clean", "first"), a);
    assertThat(store.versionOfTag(WS, "wine", "clean")).contains(1L);
    assertThat(store.getVersion(WS, "wine", 1).orElseThrow().tags())
        .containsExactly("clean", "first");
    commit("wine", T + 1, List.of("clean"), a);
    assertThat(store.versionOfTag(WS, "wine", "clean")).contains(2L);
    assertThat(store.getVersion(WS, "wine", 1).orElseThrow().tags()).containsExactly("first");
    assertThat(store.getVersion(WS, "wine", 2).orElseThrow().tags()).containsExactly("clean");
    assertThat(store.getDataset(WS, "wine").orElseThrow().tags())
        .isEqualTo(Map.of("clean", 2L, "first", 1L));
    assertThat(store.listVersions(WS, "wine", 10, 0))
        .extracting(DatasetVersion::tags)
        .containsExactly(List.of("clean"), List.of("first"));

    store.setTag(WS, "wine", "clean", 1, T + 9);
    assertThat(store.versionOfTag(WS, "wine", "clean")).contains(1L);
    assertThat(store.getDataset(WS, "wine").orElseThrow().lastUpdatedTime()).isEqualTo(T + 9);
    assertCode(() -> store.setTag(WS, "wine", "x", 7, T), ErrorCode.RESOURCE_DOES_NOT_EXIST, "7");
    assertCode(
        () -> store.setTag(WS, "nope", "x", 1, T), ErrorCode.RESOURCE_DOES_NOT_EXIST, "nope");

    assertThat(store.deleteTag(WS, "wine", "first")).isTrue();
    assertThat(store.deleteTag(WS, "wine", "first")).isFalse();
    assertThat(store.deleteTag(WS, "nope", "first")).isFalse();
    assertThat(store.versionOfTag(WS, "wine", "first")).isEmpty();
    assertThat(store.versionOfTag(WS, "nope", "clean")).isEmpty();

    store.deleteVersion(WS, "wine", 1);
    assertThat(store.versionOfTag(WS, "wine", "clean")).isEmpty();
    assertThat(store.getDataset(WS, "wine").orElseThrow().tags()).isEmpty();
  }

  @Test
  void commit_withMissingContent_isRefusedNamingIt_andWritesNothing() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    DatasetFile b = file("b.csv", "b", 2);
    stored(T, a);
    assertCode(
        () -> commit("wine", T + 1, List.of("clean"), a, b),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "b.csv (" + b.sha256() + ")");
    Dataset d = store.getDataset(WS, "wine").orElseThrow();
    assertThat(d.latestVersion()).isZero();
    assertThat(d.lastUpdatedTime()).isEqualTo(T);
    assertThat(d.tags()).isEmpty();
    assertThat(store.listVersions(WS, "wine", 10, 0)).isEmpty();
    assertThat(count("SELECT COUNT(*) FROM managed_dataset_files")).isZero();
    assertCode(() -> commit("nope", T, List.of(), a), ErrorCode.RESOURCE_DOES_NOT_EXIST, "nope");
  }

  @Test
  void commit_withAWrongSize_isRefused_andWritesNothing() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    DatasetFile wrong = new DatasetFile("a.csv", 5, a.sha256());
    assertCode(
        () -> commit("wine", T + 1, List.of(), wrong),
        ErrorCode.INVALID_PARAMETER_VALUE,
        "a.csv",
        "5 bytes");
    assertThat(store.getDataset(WS, "wine").orElseThrow().latestVersion()).isZero();
    assertThat(commit("wine", T + 2, List.of(), a)).isEqualTo(1);
  }

  @Test
  void deprecate_keepsTheVersion_andFlagsIt() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    commit("wine", T, List.of(), a);
    store.deprecate(WS, "wine", 1, T + 3);
    assertThat(store.getVersion(WS, "wine", 1).orElseThrow().deprecated()).isTrue();
    assertThat(store.getDataset(WS, "wine").orElseThrow().lastUpdatedTime()).isEqualTo(T + 3);
    assertCode(() -> store.deprecate(WS, "wine", 2, T), ErrorCode.RESOURCE_DOES_NOT_EXIST, "2");
  }

  @Test
  void deleteVersion_returnsItsContents_andReleasesTheirReferences() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    DatasetFile b = file("b.csv", "b", 2);
    DatasetFile c = file("c.csv", "c", 3);
    stored(T, a, b, c);
    commit("wine", T, List.of(), a, b);
    commit("wine", T, List.of("clean"), b, c);
    assertThat(store.deleteVersion(WS, "wine", 1))
        .containsExactlyInAnyOrder(a.sha256(), b.sha256());
    assertCode(() -> store.deleteVersion(WS, "wine", 1), ErrorCode.RESOURCE_DOES_NOT_EXIST, "1");
    // b is still held by version 2
    assertThat(store.claimUnreferencedBlobs(T + 1, Set.of(a.sha256(), b.sha256()), 100, T + 1))
        .isEqualTo(Map.of(a.sha256(), 1L));
    assertThat(store.deleteVersion(WS, "wine", 2))
        .containsExactlyInAnyOrder(b.sha256(), c.sha256());
    assertThat(store.claimUnreferencedBlobs(T + 1, null, 100, T + 1))
        .isEqualTo(Map.of(b.sha256(), 2L, c.sha256(), 3L));
    // numbers are never reused
    DatasetFile d = file("d.csv", "d", 4);
    stored(T + 2, d);
    assertThat(commit("wine", T + 2, List.of(), d)).isEqualTo(3);
  }

  // Blobs

  @Test
  void blobs_touchStoreAndMissing() {
    String x = sha("x");
    assertThat(store.touchBlob(x, T)).isEqualTo(BlobState.ABSENT);
    assertThat(store.missingBlobs(List.of(x, sha("y")), T)).containsExactly(x, sha("y"));
    assertThat(store.blobStored(x, 10, T, T - STALE)).isTrue();
    assertThat(store.blobStored(x, 10, T + 1, T + 1 - STALE)).isTrue();
    assertThat(store.touchBlob(x, T + 2)).isEqualTo(BlobState.PRESENT);
    assertThat(store.missingBlobs(List.of(sha("y"), x), T + 3)).containsExactly(sha("y"));
    assertThat(store.blobSizes(List.of(x, sha("y")))).isEqualTo(Map.of(x, 10L));
    // every touch moved last_touched: nothing is claimable before T + 3
    assertThat(store.claimUnreferencedBlobs(T + 3, null, 10, T + 4)).isEmpty();
    assertThat(store.claimUnreferencedBlobs(T + 4, null, 10, T + 4)).isEqualTo(Map.of(x, 10L));
  }

  @Test
  void claim_takesOnlyUnreferencedBlobsUntouchedSinceTheCutoff() {
    newDataset("wine");
    DatasetFile held = file("held.csv", "held", 1);
    DatasetFile old = file("old.csv", "old", 2);
    DatasetFile fresh = file("fresh.csv", "fresh", 3);
    DatasetFile other = file("other.csv", "other", 4);
    stored(T, held, old, other);
    stored(T + 100, fresh);
    commit("wine", T, List.of(), held);
    // a touch after the cutoff protects
    store.touchBlob(other.sha256(), T + 60);

    assertThat(store.claimUnreferencedBlobs(T + 50, null, 10, T + 200))
        .isEqualTo(Map.of(old.sha256(), 2L));
    assertThat(store.touchBlob(old.sha256(), T + 201)).isEqualTo(BlobState.DELETING);
    assertThat(store.missingBlobs(List.of(old.sha256()), T + 201)).containsExactly(old.sha256());
    assertThat(store.blobSizes(List.of(old.sha256()))).isEmpty();
    // an upload while the pass runs is refused; a commit naming it fails
    assertThat(store.blobStored(old.sha256(), 2, T + 202, T + 202 - STALE)).isFalse();
    assertCode(
        () -> commit("wine", T + 203, List.of(), old),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        old.sha256());
    // a claimed row is not claimed twice by a live pass
    assertThat(store.claimUnreferencedBlobs(T + 300, Set.of(old.sha256()), 10, T + 300)).isEmpty();

    store.forgetBlob(old.sha256());
    assertThat(store.touchBlob(old.sha256(), T + 400)).isEqualTo(BlobState.ABSENT);
    // forgetting a present blob does nothing
    store.forgetBlob(held.sha256());
    assertThat(store.touchBlob(held.sha256(), T + 401)).isEqualTo(BlobState.PRESENT);
    // the referenced blob is never claimed, however old
    assertThat(store.claimUnreferencedBlobs(T + 10_000_000, null, 10, T + 10_000_000))
        .isEqualTo(Map.of(fresh.sha256(), 3L, other.sha256(), 4L));
    assertThat(store.touchBlob(held.sha256(), T + 10_000_001)).isEqualTo(BlobState.PRESENT);
    // re-uploaded after being forgotten
    assertThat(store.blobStored(old.sha256(), 2, T + 402, T + 402 - STALE)).isTrue();
    assertThat(commit("wine", T + 403, List.of(), old)).isEqualTo(2);
  }

  @Test
  void claim_respectsCandidatesAndLimit() {
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      DatasetFile f = file("f" + i, "f" + i, i);
      stored(T, f);
      all.add(f.sha256());
    }
    assertThat(store.claimUnreferencedBlobs(T + 1, all.subList(0, 3), 10, T + 1).keySet())
        .containsExactlyInAnyOrderElementsOf(all.subList(0, 3));
    assertThat(store.claimUnreferencedBlobs(T + 1, List.of(sha("unknown")), 10, T + 1)).isEmpty();
    assertThat(store.claimUnreferencedBlobs(T + 1, null, 4, T + 1)).hasSize(4);
    assertThat(store.claimUnreferencedBlobs(T + 1, null, 10, T + 1)).hasSize(3);
    assertThat(count("SELECT COUNT(*) FROM blobs WHERE state = 'deleting'")).isEqualTo(10);
  }

  @Test
  void deletingRowsOfADeadPass_areTakenOver() {
    DatasetFile a = file("a", "a", 1);
    DatasetFile b = file("b", "b", 2);
    stored(T, a, b);
    assertThat(store.claimUnreferencedBlobs(T + 1, null, 10, T + 1)).hasSize(2);
    // not yet dead: neither an upload nor a pass with a short grace period takes them
    assertThat(store.blobStored(a.sha256(), 1, T + 2, T + 2 - STALE)).isFalse();
    assertThat(store.claimUnreferencedBlobs(T + 5, null, 10, T + 5)).isEmpty();
    // an upload takes over a claim older than its staleness limit
    long later = T + 1 + STALE + 1;
    assertThat(store.blobStored(a.sha256(), 1, later, later - STALE)).isTrue();
    assertThat(store.touchBlob(a.sha256(), later)).isEqualTo(BlobState.PRESENT);
    // a pass takes over a dead claim older than its cutoff
    assertThat(
            store.claimUnreferencedBlobs(
                later - SqlDatasetStore.DEAD_PASS_MILLIS + 1, null, 10, later))
        .isEqualTo(Map.of(b.sha256(), 2L));
  }

  @Test
  void profiles_roundTripAsJson_andGoWithTheirBlob() {
    TableProfile p =
        new TableProfile(
            TableFormat.CSV,
            3,
            List.of(
                new TableProfile.ColumnProfile(
                    "price",
                    "DOUBLE",
                    3,
                    0,
                    3,
                    "1.5",
                    "9",
                    4.0,
                    Double.NaN,
                    1.5,
                    4.0,
                    9.0,
                    List.of()),
                new TableProfile.ColumnProfile(
                    "name",
                    "VARCHAR",
                    3,
                    1,
                    2,
                    "a",
                    "b",
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(new TableProfile.TopValue("a", 2), new TableProfile.TopValue("b", 1)))),
            null);
    String x = sha("x");
    String y = sha("y");
    store.saveProfile(x, p);
    store.saveProfile(y, TableProfile.unreadable(TableFormat.PARQUET, "not parquet"));
    assertThat(store.profiles(List.of(x, y, sha("z"))))
        .isEqualTo(Map.of(x, p, y, TableProfile.unreadable(TableFormat.PARQUET, "not parquet")));
    store.saveProfile(y, p);
    assertThat(store.profiles(List.of(y))).isEqualTo(Map.of(y, p));

    stored(T, new DatasetFile("x", 1, x));
    store.claimUnreferencedBlobs(T + 1, null, 10, T + 1);
    store.forgetBlob(x);
    assertThat(store.profiles(List.of(x, y)).keySet()).containsExactly(y);
  }

  /**
   * A pass with no grace period racing commits of freshly uploaded contents: whoever wins, no
   * committed version may reference a claimed blob. (Forgetting a referenced blob would fail on its
   * foreign key, and a version's blobs must all be present at the end.)
   */
  @Test
  void collectionRacingCommits_neverTakesAReferencedBlob() throws Exception {
    newDataset("race");
    int committers = 4;
    int perCommitter = 15;
    AtomicLong clock = new AtomicLong(T);
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicLong freed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(committers + 1);
    Future<?> collector =
        pool.submit(
            () -> {
              while (!done.get()) {
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
                long now = clock.incrementAndGet();
                try {
                  Map<String, Long> claimed =
                      store.claimUnreferencedBlobs(now + 1_000_000, null, 1000, now);
                  for (String s : claimed.keySet()) {
                    store.forgetBlob(s);
                    freed.incrementAndGet();
                  }
                } catch (CairnException e) {
                  if (e.code() != ErrorCode.TEMPORARILY_UNAVAILABLE) {
                    failures.add(e);
                    return;
                  }
                }
              }
            });
    List<Future<List<Long>>> work = new ArrayList<>();
    for (int c = 0; c < committers; c++) {
      int id = c;
      work.add(
          pool.submit(
              () -> {
                List<Long> numbers = new ArrayList<>();
                for (int i = 0; i < perCommitter; i++) {
                  DatasetFile f = file("f.bin", "c" + id + "-" + i, 7);
                  for (int attempt = 0; ; attempt++) {
                    long now = clock.incrementAndGet();
                    try {
                      if (store.blobStored(f.sha256(), 7, now, now - STALE)) {
                        numbers.add(commit("race", now, List.of(), f));
                        break;
                      }
                    } catch (CairnException e) {
                      if (e.code() != ErrorCode.RESOURCE_DOES_NOT_EXIST
                          && e.code() != ErrorCode.TEMPORARILY_UNAVAILABLE) {
                        throw e;
                      }
                    }
                    if (attempt > 500) {
                      throw new AssertionError("a commit never got through");
                    }
                  }
                }
                return numbers;
              }));
    }
    List<Long> numbers = new ArrayList<>();
    try {
      for (Future<List<Long>> f : work) {
        numbers.addAll(f.get(120, TimeUnit.SECONDS));
      }
    } finally {
      done.set(true);
      collector.get(60, TimeUnit.SECONDS);
      pool.shutdown();
    }
    assertThat(failures).isEmpty();
    assertThat(new TreeSet<>(numbers)).hasSize(committers * perCommitter);
    assertThat(
            count(
                "SELECT COUNT(*) FROM managed_dataset_files f JOIN blobs b ON b.sha256 = f.sha256"
                    + " WHERE b.state = 'present'"))
        .isEqualTo(committers * perCommitter);
    assertThat(
            count(
                "SELECT COUNT(*) FROM managed_dataset_versions WHERE dataset_id ="
                    + " (SELECT dataset_id FROM managed_datasets WHERE name = 'race')"))
        .isEqualTo(committers * perCommitter);
    System.out.println(
        getClass().getSimpleName()
            + ": the racing collector freed "
            + freed.get()
            + " contents uploaded and not yet committed");
  }

  // Runs

  private String newRun(String experiment) {
    return runs.create(experiment, "me", T, null, List.of()).info().runId();
  }

  private static DatasetInput input(String source, String context) {
    List<Tag> tags = context == null ? List.of() : List.of(new Tag("mlflow.data.context", context));
    return new DatasetInput(
        tags,
        new io.cairn.core.tracking.Dataset(
            "ds", "d" + source.hashCode(), "http", source, null, null));
  }

  @Test
  void logInputs_linksRunsToTheVersionsTheirSourcesName() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    commit("wine", T, List.of("clean"), a);
    commit("wine", T, List.of(), a);
    String exp = experiments.create(WS, "training", null, List.of());
    String run = newRun(exp);
    runs.logInputs(
        run,
        List.of(
            input("datasets:/wine/1", "training"),
            input("{\"uri\": \"datasets:/wine@clean\"}", "eval"),
            input("cairn://datasets/wine/latest", null),
            input("s3://bucket/other.csv", "training")),
        List.of());
    assertThat(store.runInputs(run))
        .containsExactly(
            new DatasetStore.RunInput("wine", 1, "training"),
            new DatasetStore.RunInput("wine", 2, null));
    assertThat(runs.get(run).datasetInputs()).hasSize(4);

    // resolved when logged: the tag moving later changes nothing; "latest" skips deprecated
    store.setTag(WS, "wine", "clean", 2, T);
    store.deprecate(WS, "wine", 2, T);
    String second = newRun(exp);
    runs.logInputs(
        second,
        List.of(
            input("datasets:/wine", "test"),
            input("http://h:5000/api/cairn/v1/datasets/wine/versions/2", null)),
        List.of());
    assertThat(store.runInputs(second))
        .containsExactly(
            new DatasetStore.RunInput("wine", 1, "test"),
            new DatasetStore.RunInput("wine", 2, null));
    assertThat(store.runInputs(run)).hasSize(2);
    assertThat(store.runInputs("no-such-run")).isEmpty();
  }

  @Test
  void logInputs_namingNoVersion_isRefusedWhole() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    commit("wine", T, List.of(), a);
    String run = newRun(experiments.create(WS, "e", null, List.of()));
    for (String source :
        List.of("datasets:/wine/9", "datasets:/wine@nope", "datasets:/beer", "datasets:/beer/1")) {
      assertCode(
          () ->
              runs.logInputs(
                  run,
                  List.of(
                      input("s3://bucket/x.csv", null),
                      input("datasets:/wine/1", "training"),
                      input(source, null)),
                  List.of("m-1")),
          ErrorCode.RESOURCE_DOES_NOT_EXIST,
          "Dataset source '" + source + "'");
    }
    assertThat(runs.get(run).datasetInputs()).isEmpty();
    assertThat(runs.get(run).modelInputs()).isEmpty();
    assertThat(store.runInputs(run)).isEmpty();

    store.deprecate(WS, "wine", 1, T);
    assertCode(
        () -> runs.logInputs(run, List.of(input("datasets:/wine", null)), List.of()),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "not deprecated");
    // an explicit number still names a deprecated version
    runs.logInputs(run, List.of(input("datasets:/wine/1", null)), List.of());
    assertThat(store.runInputs(run)).containsExactly(new DatasetStore.RunInput("wine", 1, null));
  }

  @Test
  void usage_listsRunsAndTheModelVersionsRegisteredFromThem() {
    newDataset("wine");
    DatasetFile a = file("a.csv", "a", 1);
    stored(T, a);
    commit("wine", T, List.of(), a);
    commit("wine", T, List.of(), a);
    String exp = experiments.create(WS, "training", null, List.of());
    String trained = runs.create(exp, "me", T, "trainer", List.of()).info().runId();
    String unrelated = newRun(exp);
    runs.logInputs(trained, List.of(input("datasets:/wine/1", "training")), List.of());
    SqlRegistryStore registry = new SqlRegistryStore(db);
    registry.createRegisteredModel(WS, "classifier", null, null, List.of(), T);
    for (String run : List.of(trained, unrelated, trained)) {
      registry.createModelVersion(
          WS,
          new NewModelVersion(
              "classifier",
              "runs:/" + run + "/model",
              "mlflow-artifacts:/x",
              run,
              null,
              null,
              null,
              null,
              List.of(),
              List.of()),
          T);
    }
    VersionUsage usage = store.usage(WS, "wine", 1);
    assertThat(usage.runs())
        .containsExactly(new VersionUsage.RunUse(trained, exp, "trainer", "training"));
    assertThat(usage.modelVersions())
        .containsExactly(
            new VersionUsage.ModelUse("classifier", 1, trained),
            new VersionUsage.ModelUse("classifier", 3, trained));
    assertThat(store.usage(WS, "wine", 2).isEmpty()).isTrue();
    assertCode(() -> store.usage(WS, "wine", 3), ErrorCode.RESOURCE_DOES_NOT_EXIST, "3");

    // only an unused version goes without force
    assertThat(store.deleteVersionIfUnused(WS, "wine", 1)).isEmpty();
    assertThat(store.getVersion(WS, "wine", 1)).isPresent();
    assertThat(store.deleteVersionIfUnused(WS, "wine", 2)).contains(java.util.Set.of(a.sha256()));
    assertThat(store.getVersion(WS, "wine", 2)).isEmpty();

    // a forced delete takes the links with it
    store.deleteVersion(WS, "wine", 1);
    assertThat(store.runInputs(trained)).isEmpty();
  }

  // Through the service, with blobs in a local folder

  /** A clock tests move by hand. */
  static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(T);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @Test
  void service_pushDeleteAndCollect_keepTheIndexAndTheStoreInStep() throws IOException {
    ManualClock clock = new ManualClock();
    LocalArtifactRepository repo = new LocalArtifactRepository(dir.resolve("blobs"));
    BlobStore blobs = new BlobStore(repo);
    TableProfiler profiler =
        new TableProfiler() {
          @Override
          public TableProfile profile(Path file, TableFormat format) {
            try {
              return new TableProfile(format, Files.readAllLines(file).size() - 1, List.of(), null);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }

          @Override
          public RowChanges compareRows(Path b, TableFormat bf, Path a, TableFormat af) {
            return new RowChanges(0, 0);
          }
        };
    DatasetService service = new DatasetService(store, blobs, profiler, dir.resolve("tmp"), clock);
    byte[] csv = "x,y\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8);
    byte[] bin = "binary".getBytes(StandardCharsets.UTF_8);
    String csvSha = sha256(csv);
    String binSha = sha256(bin);
    assertThat(service.missing(List.of(csvSha, binSha))).containsExactly(csvSha, binSha);
    assertThat(service.receive(csvSha, new ByteArrayInputStream(csv), "t.csv").stored()).isTrue();
    assertThat(service.receive(csvSha, new ByteArrayInputStream(csv), "t.csv").stored()).isFalse();
    assertThat(service.missing(List.of(csvSha, binSha))).containsExactly(binSha);
    assertCode(
        () ->
            service.commit(
                WS,
                "wine",
                new NewDatasetVersion(
                    List.of(
                        new DatasetFile("t.csv", csv.length, csvSha),
                        new DatasetFile("b.bin", bin.length, binSha)),
                    null,
                    null,
                    null,
                    List.of(),
                    null,
                    false)),
        ErrorCode.RESOURCE_DOES_NOT_EXIST,
        "b.bin");
    service.receive(binSha, new ByteArrayInputStream(bin), null);
    var pushed =
        service.commit(
            WS,
            "wine",
            new NewDatasetVersion(
                List.of(
                    new DatasetFile("t.csv", csv.length, csvSha),
                    new DatasetFile("b.bin", bin.length, binSha)),
                "first",
                "ana",
                null,
                List.of("clean"),
                null,
                false));
    assertThat(pushed.created()).isTrue();
    assertThat(pushed.version().version()).isEqualTo(1);
    var details = service.details(WS, io.cairn.core.dataset.DatasetRef.parse("wine@clean"));
    assertThat(details.profiles().get("t.csv").rows()).isEqualTo(2);
    try (InputStream in = service.open(csvSha)) {
      assertThat(in.readAllBytes()).isEqualTo(csv);
    }

    // an upload never committed is freed once the grace period has passed
    byte[] orphan = "orphan".getBytes(StandardCharsets.UTF_8);
    service.receive(sha256(orphan), new ByteArrayInputStream(orphan), null);
    assertThat(service.gc(60_000).blobs()).isZero();
    clock.millis.addAndGet(60_001);
    assertThat(service.gc(60_000)).isEqualTo(new DatasetService.GcResult(1, orphan.length));
    assertThat(blobs.size(sha256(orphan))).isEqualTo(-1);
    assertThat(blobs.size(csvSha)).isEqualTo(csv.length);

    // deleting the only version frees its contents at once
    var deleted =
        service.deleteVersion(WS, io.cairn.core.dataset.DatasetRef.parse("wine@1"), false);
    assertThat(deleted.deleted()).isTrue();
    assertThat(deleted.freed()).isEqualTo(new DatasetService.GcResult(2, csv.length + bin.length));
    assertThat(blobs.size(csvSha)).isEqualTo(-1);
    assertThat(count("SELECT COUNT(*) FROM blobs")).isZero();
    assertThat(store.profiles(List.of(csvSha))).isEmpty();
  }

  /** The upload part files in a folder, by name. */
  private static Set<String> parts(Path folder) throws IOException {
    Set<String> out = new TreeSet<>();
    try (var s = Files.newDirectoryStream(folder, "blob-*.part")) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    }
    return out;
  }

  @Test
  void service_gc_removesAbandonedUploadParts_butNotOneBeingWritten_norAYoungOne()
      throws Exception {
    ManualClock clock = new ManualClock();
    clock.millis.set(System.currentTimeMillis()); // part files carry the real time
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    DatasetService service =
        new DatasetService(
            store,
            new BlobStore(new LocalArtifactRepository(dir.resolve("blobs"))),
            null,
            tmp,
            clock);
    long now = clock.millis();
    Path crashed = Files.writeString(tmp.resolve("blob-crashed.part"), "cut off by a crash");
    Files.setLastModifiedTime(
        crashed, java.nio.file.attribute.FileTime.fromMillis(now - 7_200_000));
    Path young = Files.writeString(tmp.resolve("blob-young.part"), "another server writes it");
    Files.setLastModifiedTime(young, java.nio.file.attribute.FileTime.fromMillis(now - 300_000));
    Path other = Files.writeString(tmp.resolve("notes.txt"), "not a part file");
    Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.fromMillis(now - 7_200_000));

    // an upload in flight on this server, its part file idle for two hours (a stalled client)
    byte[] body = new byte[200_000];
    new Random(7).nextBytes(body);
    java.io.PipedOutputStream feed = new java.io.PipedOutputStream();
    java.io.PipedInputStream in = new java.io.PipedInputStream(feed, 1 << 16);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<DatasetService.BlobReceipt> upload =
        pool.submit(() -> service.receive(sha256(body), in, null));
    feed.write(body, 0, 100_000);
    Path live = null;
    for (int i = 0; i < 500 && live == null; i++) {
      Set<String> names = parts(tmp);
      names.removeAll(Set.of("blob-crashed.part", "blob-young.part"));
      live = names.isEmpty() ? null : tmp.resolve(names.iterator().next());
      Thread.sleep(10);
    }
    assertThat(live).as("the upload's part file").isNotNull();
    Files.setLastModifiedTime(live, java.nio.file.attribute.FileTime.fromMillis(now - 7_200_000));

    service.gc(3 * 3_600_000L); // a grace longer than their age keeps them all
    assertThat(parts(tmp)).hasSize(3);

    service.gc(0);

    assertThat(parts(tmp))
        .containsExactlyInAnyOrder("blob-young.part", live.getFileName().toString());
    assertThat(other).exists();
    feed.write(body, 100_000, 100_000);
    feed.close();
    assertThat(upload.get(30, TimeUnit.SECONDS).stored()).isTrue();
    pool.shutdown();
    assertThat(parts(tmp)).containsExactly("blob-young.part");
  }

  @Test
  void push_ofAFileNameOver255BytesInUtf8_isRefusedBeforeAnythingIsWritten() {
    DatasetService service =
        new DatasetService(
            store,
            new BlobStore(new LocalArtifactRepository(dir.resolve("blobs"))),
            NO_TABLES,
            dir.resolve("tmp"),
            Clock.systemUTC());
    byte[] bytes = "x".getBytes(StandardCharsets.UTF_8);
    String sha = sha256(bytes);
    service.receive(sha, new ByteArrayInputStream(bytes), null);
    String fits = "\u00fc".repeat(127) + "a"; // 255 bytes
    for (String tooLong :
        List.of(
            "data/" + "\u00e9".repeat(128), "x".repeat(256), "\ud83d\ude00".repeat(64) + "/a")) {
      assertCode(
          () ->
              service.commit(
                  WS,
                  "long-names",
                  new NewDatasetVersion(
                      List.of(new DatasetFile(tooLong, 1, sha), new DatasetFile(fits, 1, sha)),
                      null,
                      null,
                      null,
                      List.of(),
                      null,
                      false)),
          ErrorCode.INVALID_PARAMETER_VALUE,
          "File path '" + tooLong + "' has a name of 256 bytes in UTF-8",
          "at most 255 bytes");
    }
    assertThat(store.getDataset(WS, "long-names")).isEmpty();
    var pushed =
        service.commit(
            WS,
            "long-names",
            new NewDatasetVersion(
                List.of(new DatasetFile("d/" + fits, 1, sha)),
                null,
                null,
                null,
                List.of(),
                null,
                false));
    assertThat(pushed.version().version()).isEqualTo(1);
  }

  /** A profiler for tests whose files are no tables. */
  private static final TableProfiler NO_TABLES =
      new TableProfiler() {
        @Override
        public TableProfile profile(Path file, TableFormat format) {
          throw new AssertionError("no table is expected: " + file);
        }

        @Override
        public RowChanges compareRows(Path b, TableFormat bf, Path a, TableFormat af) {
          throw new AssertionError("no table is expected");
        }
      };

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(Manifest.sha256().digest(bytes));
  }
}
