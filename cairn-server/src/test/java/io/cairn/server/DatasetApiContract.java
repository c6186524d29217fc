package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The datasets API over HTTP against a real server, the same for every blob store: uploads verified
 * by sha256, commits that refuse what is not stored, unchanged pushes, tags, downloads, table
 * profiles and diffs, lineage through MLflow's log-inputs, deletion that keeps what runs used, and
 * garbage collection.
 */
abstract class DatasetApiContract {
  static final String D = "/api/cairn/v1/datasets";
  static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger NAMES = new AtomicInteger();

  abstract ServerFixture server();

  /** Whether a blob's bytes are still in the store. */
  abstract boolean blobStored(String sha256);

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static byte[] csv(int rows, int offset) {
    StringBuilder sb = new StringBuilder("id,score,label\n");
    for (int i = offset; i < offset + rows; i++) {
      sb.append(i).append(',').append(i * 0.5).append(',').append(i % 3 == 0 ? "a" : "b");
      sb.append('\n');
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static String name(String base) {
    return base + "-" + NAMES.incrementAndGet() + "-" + System.nanoTime() % 100000;
  }

  ServerFixture.Answer upload(byte[] bytes, String path) {
    return server().put(D + "/blobs/" + sha256(bytes) + "?path=" + path, bytes);
  }

  ObjectNode file(String path, byte[] bytes) {
    return JSON.createObjectNode()
        .put("path", path)
        .put("size", bytes.length)
        .put("sha256", sha256(bytes));
  }

  ServerFixture.Answer commit(String dataset, ObjectNode body) {
    return server().post(D + "/" + dataset + "/versions", body.toString());
  }

  ObjectNode manifest(ObjectNode... files) {
    ObjectNode body = JSON.createObjectNode().put("message", "test").put("author", "tester");
    ArrayNode list = body.putArray("files");
    for (ObjectNode f : files) {
      list.add(f);
    }
    return body;
  }

  JsonNode ok(ServerFixture.Answer a) {
    assertThat(a.status()).as(a.body()).isBetween(200, 201);
    return a.json();
  }

  @Test
  void push_uploadsOnlyMissing_commitsVersion_andServesFiles() {
    String ds = name("wine");
    byte[] train = csv(1000, 0);
    byte[] readme = "about the wine data".getBytes(StandardCharsets.UTF_8);
    JsonNode missing =
        ok(
            server()
                .post(
                    D + "/blobs/missing",
                    "{\"sha256\": [\"" + sha256(train) + "\", \"" + sha256(readme) + "\"]}"));
    assertThat(missing.get("missing")).hasSize(2);
    assertThat(upload(train, "train.csv").status()).isEqualTo(201);
    assertThat(ok(upload(train, "train.csv")).get("stored").asBoolean()).isFalse();
    ok(upload(readme, "README.md"));
    assertThat(
            ok(server().post(D + "/blobs/missing", "{\"sha256\": [\"" + sha256(train) + "\"]}"))
                .get("missing"))
        .isEmpty();

    ObjectNode body = manifest(file("data/train.csv", train), file("README.md", readme));
    body.putArray("tags").add("first");
    JsonNode v1 = ok(commit(ds, body));
    assertThat(v1.get("created").asBoolean()).isTrue();
    assertThat(v1.at("/version/version").asLong()).isEqualTo(1);
    assertThat(v1.at("/version/file_count").asLong()).isEqualTo(2);
    assertThat(v1.at("/version/total_bytes").asLong()).isEqualTo(train.length + readme.length);
    assertThat(v1.at("/version/tags/0").asText()).isEqualTo("first");

    JsonNode details = ok(server().get(D + "/" + ds + "/versions/first"));
    assertThat(details.at("/version/version").asLong()).isEqualTo(1);
    assertThat(details.get("files")).hasSize(2);
    JsonNode profile = details.at("/profiles/data~1train.csv");
    assertThat(profile.get("rows").asLong()).isEqualTo(1000);
    assertThat(profile.get("columns")).hasSize(3);
    assertThat(profile.at("/columns/0/name").asText()).isEqualTo("id");

    ServerFixture.Answer download = server().get(D + "/" + ds + "/versions/1/files/data/train.csv");
    assertThat(download.status()).isEqualTo(200);
    assertThat(download.raw().body()).isEqualTo(train);
    assertThat(download.raw().headers().firstValue("X-Cairn-Sha256")).contains(sha256(train));
    assertThat(server().get(D + "/" + ds + "/versions/1/files/nope.csv").status()).isEqualTo(404);
    ServerFixture.Answer pack =
        server()
            .post(
                D + "/" + ds + "/versions/1/pack",
                "{\"paths\": [\"README.md\", \"data/train.csv\"]}");
    assertThat(pack.status()).isEqualTo(200);
    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    expected.writeBytes((sha256(readme) + " " + readme.length + " README.md\n").getBytes());
    expected.writeBytes(readme);
    expected.writeBytes((sha256(train) + " " + train.length + " data%2Ftrain.csv\n").getBytes());
    expected.writeBytes(train);
    assertThat(pack.raw().body()).isEqualTo(expected.toByteArray());
    assertThat(server().post(D + "/" + ds + "/versions/1/pack", "{\"paths\": [\"nope\"]}").status())
        .isEqualTo(404);

    JsonNode dataset = ok(server().get(D + "/" + ds)).get("dataset");
    assertThat(dataset.get("latest_version").asLong()).isEqualTo(1);
    assertThat(dataset.at("/tags/first").asLong()).isEqualTo(1);
  }

  static byte[] frames(byte[]... contents) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int i = 0;
    for (byte[] c : contents) {
      out.writeBytes((sha256(c) + " " + c.length + " dir%2Ff" + i++ + ".txt\n").getBytes());
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  @Test
  void packs_storeManySmallContents_andRefuseABadFrameByNumber() {
    String ds = name("pack");
    byte[] a = ("pack a " + ds).getBytes(StandardCharsets.UTF_8);
    byte[] b = ("pack b " + ds).getBytes(StandardCharsets.UTF_8);
    byte[] c = ("pack c " + ds).getBytes(StandardCharsets.UTF_8);
    ServerFixture.Answer ok = server().postBytes(D + "/blobs/pack", frames(a, b));
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().get("contents").asInt()).isEqualTo(2);
    assertThat(blobStored(sha256(a))).isTrue();
    assertThat(blobStored(sha256(b))).isTrue();
    JsonNode v = ok(commit(ds, manifest(file("dir/f0.txt", a), file("dir/f1.txt", b))));
    assertThat(v.at("/version/version").asLong()).isEqualTo(1);

    byte[] bad = frames(c, "liar".getBytes(StandardCharsets.UTF_8));
    // the second frame claims c's digest for other bytes
    String text = new String(bad, StandardCharsets.ISO_8859_1);
    String liar = sha256("liar".getBytes(StandardCharsets.UTF_8));
    bad =
        text.replace(liar, sha256(a).replace('0', '1').replace('a', 'b'))
            .getBytes(StandardCharsets.ISO_8859_1);
    ServerFixture.Answer refused = server().postBytes(D + "/blobs/pack", bad);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.json().get("message").asText()).contains("does not match");
    assertThat(blobStored(sha256(c))).as("the good frame before the bad one").isTrue();
    ServerFixture.Answer cut =
        server().postBytes(D + "/blobs/pack", (sha256(c) + " 99 -\nabc").getBytes());
    assertThat(cut.status()).isEqualTo(400);
    assertThat(server().postBytes(D + "/blobs/pack", "nonsense\n".getBytes()).status())
        .isEqualTo(400);
  }

  @Test
  void unchangedPush_makesNoVersion_unlessAsked() {
    String ds = name("same");
    byte[] a = "alpha".getBytes(StandardCharsets.UTF_8);
    ok(upload(a, "a.txt"));
    ok(commit(ds, manifest(file("a.txt", a))));
    ObjectNode again = manifest(file("a.txt", a));
    again.putArray("tags").add("again");
    JsonNode second = ok(commit(ds, again));
    assertThat(second.get("created").asBoolean()).isFalse();
    assertThat(second.at("/version/version").asLong()).isEqualTo(1);
    assertThat(second.at("/version/tags").toString()).contains("again");
    ObjectNode forced = manifest(file("a.txt", a)).put("allow_unchanged", true);
    JsonNode third = ok(commit(ds, forced));
    assertThat(third.get("created").asBoolean()).isTrue();
    assertThat(third.at("/version/version").asLong()).isEqualTo(2);
    assertThat(third.at("/version/parent").asLong()).isEqualTo(1);
  }

  @Test
  void corruptUpload_isRefused_andNothingIsStored() {
    byte[] good = "the real bytes".getBytes(StandardCharsets.UTF_8);
    byte[] bad = "other bytes".getBytes(StandardCharsets.UTF_8);
    ServerFixture.Answer a = server().put(D + "/blobs/" + sha256(good), bad);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("error_code").asText()).isEqualTo("INVALID_PARAMETER_VALUE");
    assertThat(a.json().get("message").asText()).contains("does not match");
    assertThat(blobStored(sha256(good))).isFalse();
    assertThat(server().put(D + "/blobs/not-a-digest", bad).status()).isEqualTo(400);
  }

  @Test
  void commitOfContentNotStored_isRefusedWhole() {
    String ds = name("half");
    byte[] stored = "stored".getBytes(StandardCharsets.UTF_8);
    byte[] never = "never uploaded".getBytes(StandardCharsets.UTF_8);
    ok(upload(stored, "s"));
    ServerFixture.Answer a = commit(ds, manifest(file("s", stored), file("n.bin", never)));
    assertThat(a.status()).isEqualTo(404);
    assertThat(a.json().get("message").asText()).contains("n.bin").contains(sha256(never));
    ObjectNode wrongSize = manifest(file("s", stored));
    ((ObjectNode) wrongSize.get("files").get(0)).put("size", 999);
    assertThat(commit(ds, wrongSize).status()).isEqualTo(400);
    JsonNode versions = server().get(D + "/" + ds + "/versions").json();
    assertThat(versions.path("versions")).isEmpty();
  }

  @Test
  void badRequests_getClearFourHundreds() {
    String ds = name("bad");
    assertThat(server().post(D, "{\"name\": \"no/slash\"}").status()).isEqualTo(400);
    ServerFixture.Answer bbox =
        server().post(D, "{\"name\": \"" + ds + "\", \"bbox\": [200, 0, 10, 10]}");
    assertThat(bbox.status()).isEqualTo(400);
    assertThat(bbox.json().get("message").asText()).contains("bbox");
    assertThat(server().post(D, "{\"name\": \"" + ds + "\", \"start\": \"yesterday\"}").status())
        .isEqualTo(400);
    assertThat(server().post(D, "{\"name\": \"" + ds + "\", \"metadata\": [1]}").status())
        .isEqualTo(400);
    JsonNode created =
        ok(server()
                .post(
                    D,
                    "{\"name\": \""
                        + ds
                        + "\", \"license\": \"CC-BY-4.0\", \"keywords\": [\"wine\"], \"bbox\":"
                        + " [-10, 35, 5, 45], \"start\": \"2023-01-01T00:00:00Z\", \"metadata\":"
                        + " {\"source\": \"lab\"}}"))
            .get("dataset");
    assertThat(created.at("/bbox/0").asDouble()).isEqualTo(-10);
    assertThat(created.at("/metadata/source").asText()).isEqualTo("lab");
    assertThat(server().post(D, "{\"name\": \"" + ds + "\"}").json().get("error_code").asText())
        .isEqualTo("RESOURCE_ALREADY_EXISTS");
    ObjectNode badPath = manifest(file("../escape", new byte[] {1}));
    assertThat(commit(ds, badPath).status()).isEqualTo(400);
    ServerFixture.Answer longName =
        commit(ds, manifest(file("d/" + "\u00e9".repeat(128), new byte[] {1})));
    assertThat(longName.status()).isEqualTo(400);
    assertThat(longName.json().get("message").asText()).contains("a name of 256 bytes in UTF-8");
    assertThat(server().putJson(D + "/" + ds + "/tags/3", "{\"version\": \"1\"}").status())
        .isEqualTo(400);
    assertThat(server().get(D + "/" + ds + "/versions/7").status()).isEqualTo(404);
    assertThat(server().get(D + "/nothing-here").status()).isEqualTo(404);
  }

  @Test
  void versionNumbers_areExactlyOneToN_underConcurrentCommits() throws Exception {
    String ds = name("race");
    int n = 16;
    List<byte[]> contents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] b = ("content " + i).getBytes(StandardCharsets.UTF_8);
      contents.add(b);
      ok(upload(b, "f"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Long>> futures = new ArrayList<>();
    for (byte[] b : contents) {
      futures.add(
          pool.submit(
              () ->
                  ok(commit(ds, manifest(file("f", b)).put("allow_unchanged", true)))
                      .at("/version/version")
                      .asLong()));
    }
    Set<Long> numbers = new TreeSet<>();
    for (Future<Long> f : futures) {
      numbers.add(f.get());
    }
    pool.shutdown();
    assertThat(numbers).hasSize(n).first().isEqualTo(1L);
    assertThat(numbers).last().isEqualTo((long) n);
  }

  @Test
  void tags_move_andResolve() {
    String ds = name("tags");
    byte[] a = "v1".getBytes(StandardCharsets.UTF_8);
    byte[] b = "v2".getBytes(StandardCharsets.UTF_8);
    ok(upload(a, "x"));
    ok(upload(b, "x"));
    ok(commit(ds, manifest(file("x", a))));
    ok(commit(ds, manifest(file("x", b))));
    ok(server().putJson(D + "/" + ds + "/tags/clean", "{\"version\": \"1\"}"));
    assertThat(ok(server().get(D + "/" + ds + "/versions/clean")).at("/version/version").asLong())
        .isEqualTo(1);
    ok(server().putJson(D + "/" + ds + "/tags/clean", "{\"version\": \"2\"}"));
    assertThat(ok(server().get(D + "/" + ds + "/versions/clean")).at("/version/version").asLong())
        .isEqualTo(2);
    assertThat(ok(server().get(D + "/" + ds + "/versions/latest")).at("/version/version").asLong())
        .isEqualTo(2);
    JsonNode log = ok(server().get(D + "/" + ds + "/log"));
    assertThat(log.get("versions")).hasSize(2);
    assertThat(log.at("/versions/1/version").asLong()).isEqualTo(1);
    ok(server().delete(D + "/" + ds + "/tags/clean"));
    assertThat(server().get(D + "/" + ds + "/versions/clean").status()).isEqualTo(404);
  }

  @Test
  void diff_reportsFilesAndTableChanges() {
    String ds = name("diff");
    byte[] t1 = csv(100, 0);
    byte[] t2 = csv(100, 10);
    byte[] keep = "same".getBytes(StandardCharsets.UTF_8);
    byte[] gone = "gone".getBytes(StandardCharsets.UTF_8);
    byte[] fresh = "fresh".getBytes(StandardCharsets.UTF_8);
    for (byte[] b : List.of(t1, t2, keep, gone, fresh)) {
      ok(upload(b, "x.csv"));
    }
    ok(commit(ds, manifest(file("t.csv", t1), file("k", keep), file("g", gone))));
    ok(commit(ds, manifest(file("t.csv", t2), file("moved/k", keep), file("new", fresh))));
    JsonNode diff = ok(server().get(D + "/" + ds + "/diff?from=1&to=2"));
    assertThat(diff.at("/added/0/path").asText()).isEqualTo("new");
    assertThat(diff.at("/removed/0/path").asText()).isEqualTo("g");
    assertThat(diff.at("/renamed/0/from").asText()).isEqualTo("k");
    assertThat(diff.at("/renamed/0/to").asText()).isEqualTo("moved/k");
    JsonNode table = diff.at("/changed/0/table");
    assertThat(table.get("rows_before").asLong()).isEqualTo(100);
    assertThat(table.get("rows_after").asLong()).isEqualTo(100);
    assertThat(table.get("rows_added").asLong()).isEqualTo(10);
    assertThat(table.get("rows_removed").asLong()).isEqualTo(10);
    assertThat(table.get("shifts")).hasSize(3);
  }

  @Test
  void lineage_runsThatLoggedAVersion_keepItFromDeletion() {
    String ds = name("lineage");
    byte[] a = csv(10, 0);
    byte[] b = csv(10, 5);
    ok(upload(a, "a.csv"));
    ok(upload(b, "b.csv"));
    ok(commit(ds, manifest(file("train.csv", a))));
    ok(commit(ds, manifest(file("train.csv", b))));
    String exp =
        ok(server().post("/api/2.0/mlflow/experiments/create", "{\"name\": \"" + ds + "\"}"))
            .get("experiment_id")
            .asText();
    String run =
        ok(server().post("/api/2.0/mlflow/runs/create", "{\"experiment_id\": \"" + exp + "\"}"))
            .at("/run/info/run_id")
            .asText();
    String source =
        "{\\\"url\\\": \\\"" + server().url() + D + "/" + ds + "/versions/1/files/train.csv\\\"}";
    String input =
        "{\"run_id\": \"%s\", \"datasets\": [{\"tags\": [{\"key\": \"mlflow.data.context\","
            + " \"value\": \"training\"}], \"dataset\": {\"name\": \"%s\", \"digest\": \"d1\","
            + " \"source_type\": \"http\", \"source\": \"%s\"}}]}";
    ok(server().post("/api/2.0/mlflow/runs/log-inputs", String.format(input, run, ds, source)));
    JsonNode details = ok(server().get(D + "/" + ds + "/versions/1"));
    assertThat(details.at("/runs/0/run_id").asText()).isEqualTo(run);
    assertThat(details.at("/runs/0/context").asText()).isEqualTo("training");
    JsonNode runInputs = ok(server().get("/api/cairn/v1/runs/" + run + "/dataset-versions"));
    assertThat(runInputs.at("/dataset_versions/0/dataset").asText()).isEqualTo(ds);
    assertThat(runInputs.at("/dataset_versions/0/version").asLong()).isEqualTo(1);

    String unknown = String.format(input, run, ds + "x", "datasets:/" + ds + "/9");
    ServerFixture.Answer refused = server().post("/api/2.0/mlflow/runs/log-inputs", unknown);
    assertThat(refused.status()).isEqualTo(404);
    JsonNode runNow = ok(server().get("/api/2.0/mlflow/runs/get?run_id=" + run));
    assertThat(runNow.at("/run/inputs/dataset_inputs")).hasSize(1);

    JsonNode kept = ok(server().delete(D + "/" + ds + "/versions/1"));
    assertThat(kept.get("deleted").asBoolean()).isFalse();
    assertThat(kept.at("/deprecated/0").asLong()).isEqualTo(1);
    assertThat(ok(server().get(D + "/" + ds + "/versions/1")).at("/version/deprecated").asBoolean())
        .isTrue();
    assertThat(blobStored(sha256(a))).isTrue();

    JsonNode forced = ok(server().delete(D + "/" + ds + "/versions/1?force=true"));
    assertThat(forced.get("deleted").asBoolean()).isTrue();
    assertThat(forced.get("freed_blobs").asLong()).isEqualTo(1);
    assertThat(forced.get("freed_bytes").asLong()).isEqualTo(a.length);
    assertThat(blobStored(sha256(a))).isFalse();
    assertThat(blobStored(sha256(b))).isTrue();
    assertThat(server().get(D + "/" + ds + "/versions/1").status()).isEqualTo(404);
  }

  @Test
  void gc_freesOnlyUnreferencedContent_pastTheGracePeriod() {
    String ds = name("gc");
    byte[] orphan = ("orphan " + ds).getBytes(StandardCharsets.UTF_8);
    byte[] used = ("used " + ds).getBytes(StandardCharsets.UTF_8);
    ok(upload(orphan, "o"));
    ok(upload(used, "u"));
    ok(commit(ds, manifest(file("u", used))));
    assertThat(
            ok(server().post(D + "/gc", "{\"grace_seconds\": 3600}")).get("freed_blobs").asLong())
        .isZero();
    assertThat(blobStored(sha256(orphan))).isTrue();
    JsonNode freed = ok(server().post(D + "/gc", "{\"grace_seconds\": 0}"));
    assertThat(freed.get("freed_blobs").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(blobStored(sha256(orphan))).isFalse();
    assertThat(blobStored(sha256(used))).isTrue();
    assertThat(
            ok(server().post(D + "/blobs/missing", "{\"sha256\": [\"" + sha256(orphan) + "\"]}"))
                .get("missing"))
        .hasSize(1);
  }

  @Test
  void list_nameContains_takesWildcardCharactersLiterally() {
    String tag = name("lit").replace('-', 'x');
    ok(server().post(D, "{\"name\": \"" + tag + "_a\"}"));
    ok(server().post(D, "{\"name\": \"" + tag + "Za\"}"));
    JsonNode found = ok(server().get(D + "?name_contains=" + tag + "_"));
    assertThat(found.get("datasets")).hasSize(1);
    assertThat(found.at("/datasets/0/name").asText()).isEqualTo(tag + "_a");
    assertThat(ok(server().get(D + "?name_contains=" + tag)).get("datasets")).hasSize(2);
  }

  @Test
  void deleteDataset_removesEverythingUnused() {
    String ds = name("whole");
    byte[] a = ("whole " + ds).getBytes(StandardCharsets.UTF_8);
    ok(upload(a, "a"));
    ok(commit(ds, manifest(file("a", a))));
    JsonNode r = ok(server().delete(D + "/" + ds));
    assertThat(r.get("deleted").asBoolean()).isTrue();
    assertThat(r.get("freed_blobs").asLong()).isEqualTo(1);
    assertThat(server().get(D + "/" + ds).status()).isEqualTo(404);
    assertThat(ok(server().get(D + "?name_contains=" + ds)).get("datasets")).isEmpty();
  }

  @Test
  void mlflowArtifactPaths_cannotReachDatasetContent() {
    ServerFixture.Answer a =
        server().put("/api/2.0/mlflow-artifacts/artifacts/.cairn-datasets/x", new byte[] {1});
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("message").asText()).contains("reserved");
  }
}
