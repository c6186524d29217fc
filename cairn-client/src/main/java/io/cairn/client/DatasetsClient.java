package io.cairn.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.core.dataset.Manifest;
import io.cairn.core.dataset.Pack;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The Training Data Manager through Cairn's dataset API ({@code /api/cairn/v1/datasets}, see
 * docs/datasets.md): every call of the API, and the two workflows {@link #push} (a file or a folder
 * becomes a new version; only contents the server lacks are uploaded) and {@link #pull} (a version
 * is written to a folder; only files that differ are downloaded, each checked against its sha256).
 * Thread-safe. Errors come back as {@link CairnException}s with the server's codes.
 */
public final class DatasetsClient {
  static final String P = "/api/cairn/v1/datasets";

  /** Digests asked about per {@code blobs/missing} request. */
  static final int MISSING_CHUNK = 10_000;

  /** How many times a failed upload or download is tried again (503 or an I/O error). */
  static final int RETRIES = 5;

  private static final Duration SLOW = Duration.ofMinutes(30);

  private final CairnClient client;
  private volatile long backoffMillis = 500;

  public DatasetsClient(CairnClient client) {
    this.client = client;
  }

  /** Sets the first retry's wait (doubling after each failure); for tests. */
  DatasetsClient backoff(long firstMillis) {
    this.backoffMillis = firstMillis;
    return this;
  }

  // Records

  /**
   * A reference as typed: {@code NAME}, {@code NAME@3}, {@code NAME@clean} or {@code NAME@latest}.
   * {@code version} is what follows '@' (a number, a tag or "latest"), or null when there is none.
   */
  public record Ref(String name, String version) {
    public static Ref parse(String text) {
      if (text == null || text.isBlank()) {
        throw CairnException.invalid("A dataset reference is NAME, NAME@VERSION or NAME@TAG.");
      }
      int at = text.indexOf('@');
      if (at < 0) {
        return new Ref(text, null);
      }
      String name = text.substring(0, at);
      String version = text.substring(at + 1);
      if (name.isEmpty() || version.isEmpty() || version.indexOf('@') >= 0) {
        throw CairnException.invalid(
            "'%s' is not a dataset reference: use NAME, NAME@VERSION or NAME@TAG.", text);
      }
      return new Ref(name, version);
    }

    /** The {@code {ref}} of the API: the version, tag, or "latest" when none was given. */
    public String apiRef() {
      return version == null ? "latest" : version;
    }

    @Override
    public String toString() {
      return version == null ? name : name + "@" + version;
    }
  }

  /** One file of a version: its path in the dataset, size and sha256. */
  public record FileEntry(String path, long size, String sha256) {}

  /** A dataset. {@code tags} maps each tag to the version it names. */
  public record Dataset(
      String name,
      String description,
      String license,
      List<String> keywords,
      long latestVersion,
      Map<String, Long> tags,
      long createdTime,
      long lastUpdatedTime,
      JsonNode json) {}

  /** A version of a dataset. */
  public record Version(
      String dataset,
      long version,
      String message,
      String author,
      Long parent,
      long createdTime,
      String digest,
      long fileCount,
      long totalBytes,
      boolean deprecated,
      List<String> tags,
      JsonNode json) {}

  /** A version with its files; {@code json} also holds the tables' profiles and who used it. */
  public record VersionDetails(Version version, List<FileEntry> files, JsonNode json) {}

  /**
   * What describes a dataset, for create and update; null fields are not sent (update keeps them).
   * {@code bbox} is west, south, east, north (WGS 84); {@code start}/{@code end} are RFC 3339;
   * {@code metadata} is a JSON object.
   */
  public record Fields(
      String description,
      String license,
      List<String> keywords,
      List<Double> bbox,
      String start,
      String end,
      JsonNode metadata) {
    public static Fields none() {
      return new Fields(null, null, null, null, null, null, null);
    }
  }

  /** The manifest and description of a new version. */
  public record Commit(
      List<FileEntry> files,
      String message,
      String author,
      Long parent,
      List<String> tags,
      JsonNode metadata,
      boolean allowUnchanged) {}

  /** The version a commit recorded, or with {@code created} false the unchanged one it found. */
  public record CommitResult(Version version, boolean created) {}

  /** A content received by the server; {@code stored} is false when it already had it. */
  public record BlobReceipt(String sha256, long size, boolean stored) {}

  /**
   * What a delete did: {@code deleted} is false when versions were kept (deprecated) because runs
   * or model versions used them; and what it freed.
   */
  public record DeleteResult(
      boolean deleted, List<Long> deprecated, long freedBlobs, long freedBytes, JsonNode json) {}

  /** What a garbage-collection pass freed. */
  public record GcResult(long freedBlobs, long freedBytes) {}

  /** A dataset version a run used, and how (its context, e.g. "training"). */
  public record RunInput(String dataset, long version, String context) {}

  /**
   * What a push did: the version (new when {@code created}), how many files it holds and their
   * bytes, what was uploaded and what the server already had.
   */
  public record PushResult(
      String dataset,
      long version,
      boolean created,
      int files,
      long totalBytes,
      int filesUploaded,
      long bytesUploaded,
      long bytesSkipped) {}

  /** What a pull did: files downloaded, files already in place, and bytes downloaded. */
  public record PullResult(
      String dataset,
      long version,
      int files,
      int filesDownloaded,
      int filesPresent,
      long bytesDownloaded,
      long totalBytes) {}

  // Datasets

  public Dataset create(String name, Fields fields) {
    ObjectNode body = fields(fields);
    body.put("name", name);
    return dataset(client.post(P, body).path("dataset"));
  }

  /** Changes the fields given (non-null); the others stay. */
  public Dataset update(String name, Fields fields) {
    return dataset(client.call("PATCH", named(name), fields(fields)).path("dataset"));
  }

  public Dataset get(String name) {
    return dataset(client.call("GET", named(name), null).path("dataset"));
  }

  /** Datasets whose name contains {@code nameContains} (all when null), by name; every page. */
  public List<Dataset> list(String nameContains) {
    List<Dataset> out = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          client.call(
              "GET",
              P,
              null,
              "name_contains",
              nameContains,
              "max_results",
              "1000",
              "page_token",
              token);
      page.path("datasets").forEach(d -> out.add(dataset(d)));
      token = nextToken(page);
    } while (token != null);
    return out;
  }

  /**
   * Deletes a dataset; versions that runs or model versions used are deprecated and kept (and the
   * dataset with them) unless {@code force}.
   */
  public DeleteResult delete(String name, boolean force) {
    return deleteResult(
        client.call(SLOW, "DELETE", named(name), null, "force", force ? "true" : null));
  }

  // Blobs

  /** Of these sha256 digests, those whose content the server lacks (asked 10,000 at a time). */
  public List<String> missing(Collection<String> sha256s) {
    List<String> all = new ArrayList<>(new LinkedHashSet<>(sha256s));
    List<String> out = new ArrayList<>();
    for (int from = 0; from < all.size(); from += MISSING_CHUNK) {
      ObjectNode body = client.mapper().createObjectNode();
      ArrayNode list = body.putArray("sha256");
      all.subList(from, Math.min(all.size(), from + MISSING_CHUNK)).forEach(list::add);
      client
          .call(SLOW, "POST", P + "/blobs/missing", body)
          .path("missing")
          .forEach(s -> out.add(s.asText()));
    }
    return out;
  }

  /**
   * Uploads a file as the content {@code sha256} (the server refuses bytes that hash otherwise).
   * {@code pathHint} is its name in the dataset, so that a table can be profiled on arrival (null
   * for none). Tried again up to 5 times, with growing waits, on 503 and I/O errors.
   */
  public BlobReceipt uploadBlob(String sha256, Path file, String pathHint) {
    return uploadBlob(sha256, file, pathHint, n -> {});
  }

  BlobReceipt uploadBlob(String sha256, Path file, String pathHint, LongConsumer sent) {
    Manifest.checkSha256(sha256);
    String url = client.url(P + "/blobs/" + sha256, "path", pathHint);
    for (int attempt = 0; ; attempt++) {
      AtomicLong attemptBytes = new AtomicLong();
      LongConsumer counted =
          n -> {
            attemptBytes.addAndGet(n);
            sent.accept(n);
          };
      try {
        HttpRequest.BodyPublisher body = counting(HttpRequest.BodyPublishers.ofFile(file), counted);
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .timeout(uploadTimeout(body.contentLength()))
                .PUT(body)
                .build();
        HttpResponse<String> r = client.http().send(request, HttpResponse.BodyHandlers.ofString());
        if (retryable(r.statusCode()) && attempt < RETRIES) {
          sent.accept(-attemptBytes.get());
          pause(attempt);
          continue;
        }
        JsonNode json = client.answer(r.statusCode(), r.body());
        return new BlobReceipt(
            json.path("sha256").asText(sha256),
            json.path("size").asLong(),
            json.path("stored").asBoolean());
      } catch (FileNotFoundException e) {
        throw CairnException.notFound("No file at %s", file);
      } catch (IOException e) {
        sent.accept(-attemptBytes.get());
        if (attempt >= RETRIES) {
          throw gaveUp("upload " + (pathHint == null ? file : pathHint), e);
        }
        pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CairnException(ErrorCode.ABORTED, "Interrupted while uploading " + file, e);
      }
    }
  }

  /** A small file sent in a pack: its content's digest, its size, where it is, its dataset path. */
  record PackItem(String sha256, long size, Path file, String path) {}

  /**
   * Uploads several small files in one request ({@code POST /datasets/blobs/pack}, framed as
   * docs/datasets.md describes); the whole pack is held in memory, so keep it to a few MiB. Tried
   * again like {@link #uploadBlob} on 503 and I/O errors; returns the bytes of content sent.
   */
  long uploadPack(List<PackItem> items, LongConsumer sent) {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    long contentBytes = 0;
    for (PackItem item : items) {
      Manifest.checkSha256(item.sha256());
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(item.file());
      } catch (IOException e) {
        throw CairnException.invalid("Cannot read %s: %s", item.file(), LocalFiles.describe(e));
      }
      body.writeBytes(Pack.header(item.sha256(), bytes.length, item.path()));
      body.writeBytes(bytes);
      contentBytes += bytes.length;
    }
    byte[] payload = body.toByteArray();
    String url = client.url(P + "/blobs/pack");
    for (int attempt = 0; ; attempt++) {
      try {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/octet-stream")
                .timeout(uploadTimeout(payload.length))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
        HttpResponse<String> r = client.http().send(request, HttpResponse.BodyHandlers.ofString());
        if (retryable(r.statusCode()) && attempt < RETRIES) {
          pause(attempt);
          continue;
        }
        client.answer(r.statusCode(), r.body());
        sent.accept(contentBytes);
        return contentBytes;
      } catch (IOException e) {
        if (attempt >= RETRIES) {
          throw gaveUp("upload " + items.size() + " small files", e);
        }
        pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CairnException(ErrorCode.ABORTED, "Interrupted while uploading", e);
      }
    }
  }

  // Versions

  /** Records a version from stored contents (404 naming the files whose content is missing). */
  public CommitResult commit(String name, Commit commit) {
    ObjectNode body = client.mapper().createObjectNode();
    ArrayNode files = body.putArray("files");
    for (FileEntry f : commit.files()) {
      files.addObject().put("path", f.path()).put("size", f.size()).put("sha256", f.sha256());
    }
    if (commit.message() != null) {
      body.put("message", commit.message());
    }
    if (commit.author() != null) {
      body.put("author", commit.author());
    }
    if (commit.parent() != null) {
      body.put("parent", commit.parent());
    }
    if (commit.tags() != null && !commit.tags().isEmpty()) {
      ArrayNode tags = body.putArray("tags");
      commit.tags().forEach(tags::add);
    }
    if (commit.metadata() != null) {
      body.set("metadata", commit.metadata());
    }
    body.put("allow_unchanged", commit.allowUnchanged());
    JsonNode answer = client.call(SLOW, "POST", named(name) + "/versions", body);
    return new CommitResult(versionIn(name, answer), answer.path("created").asBoolean());
  }

  /** A dataset's versions, newest first; every page. */
  public List<Version> versions(String name) {
    List<Version> out = new ArrayList<>();
    String token = null;
    do {
      JsonNode page =
          client.call(
              "GET", named(name) + "/versions", null, "max_results", "1000", "page_token", token);
      page.path("versions").forEach(v -> out.add(version(v)));
      token = nextToken(page);
    } while (token != null);
    return out;
  }

  /** A version ({@code ref}: a number, a tag or "latest") with its files. */
  public VersionDetails version(String name, String ref) {
    JsonNode answer = client.call(SLOW, "GET", versionPath(name, ref), null);
    List<FileEntry> files = new ArrayList<>();
    answer
        .path("files")
        .forEach(
            f ->
                files.add(
                    new FileEntry(
                        f.path("path").asText(),
                        f.path("size").asLong(),
                        f.path("sha256").asText())));
    return new VersionDetails(version(answer.path("version")), files, answer);
  }

  /** The newest version that is not deprecated, without its files. */
  public Version latest(String name) {
    List<Version> newest = log(name, "latest", 1);
    if (newest.isEmpty()) {
      throw CairnException.notFound("Dataset '%s' has no version yet.", name);
    }
    return newest.get(0);
  }

  /** A version and its ancestors, following parents, newest first ({@code max} null: default). */
  public List<Version> log(String name, String ref, Integer max) {
    List<Version> out = new ArrayList<>();
    client
        .call(
            "GET",
            named(name) + "/log",
            null,
            "ref",
            ref,
            "max_results",
            max == null ? null : max.toString())
        .path("versions")
        .forEach(v -> out.add(version(v)));
    return out;
  }

  /**
   * Points {@code tag} at a version ({@code ref}: a number, another tag, or "latest" or null for
   * the newest); moves it if set.
   */
  public Version setTag(String name, String tag, String ref) {
    if (ref == null || ref.equals("latest")) {
      ref = Long.toString(latest(name).version());
    }
    JsonNode answer =
        client.call(
            "PUT",
            named(name) + "/tags/" + CairnClient.encodeSegment(tag),
            client.mapper().createObjectNode().put("version", ref));
    return versionIn(name, answer);
  }

  public void deleteTag(String name, String tag) {
    client.call("DELETE", named(name) + "/tags/" + CairnClient.encodeSegment(tag), null);
  }

  /**
   * Deletes a version and frees the contents no other version holds; a version a run or a model
   * version used is deprecated and kept instead, unless {@code force}.
   */
  public DeleteResult deleteVersion(String name, String ref, boolean force) {
    return deleteResult(
        client.call(SLOW, "DELETE", versionPath(name, ref), null, "force", force ? "true" : null));
  }

  /**
   * What changed from one version to another: files added, removed, renamed and changed, and for
   * changed tables how rows, columns and statistics moved (the API's JSON).
   */
  public JsonNode diff(String name, String from, String to) {
    return client.call(SLOW, "GET", named(name) + "/diff", null, "from", from, "to", to);
  }

  /** Frees contents no version holds that nobody touched for {@code graceSeconds}. */
  public GcResult gc(long graceSeconds) {
    JsonNode answer =
        client.call(
            SLOW,
            "POST",
            P + "/gc",
            client.mapper().createObjectNode().put("grace_seconds", graceSeconds));
    return new GcResult(answer.path("freed_blobs").asLong(), answer.path("freed_bytes").asLong());
  }

  /** The dataset versions a run logged as inputs. */
  public List<RunInput> runInputs(String runId) {
    List<RunInput> out = new ArrayList<>();
    client
        .call(
            "GET",
            "/api/cairn/v1/runs/" + CairnClient.encodeSegment(runId) + "/dataset-versions",
            null)
        .path("dataset_versions")
        .forEach(
            d ->
                out.add(
                    new RunInput(
                        d.path("dataset").asText(),
                        d.path("version").asLong(),
                        d.path("context").asText(null))));
    return out;
  }

  /**
   * Downloads one file of a version to {@code target} (replacing it), checking its sha256 against
   * the manifest.
   */
  public void downloadFile(String name, String ref, String path, Path target) {
    VersionDetails v = version(name, ref);
    FileEntry entry =
        v.files().stream()
            .filter(f -> f.path().equals(path))
            .findFirst()
            .orElseThrow(
                () ->
                    CairnException.notFound(
                        "%s@%d has no file '%s'.", name, v.version().version(), path));
    new DatasetPull(this).fetch(name, v.version().version(), entry, target, n -> {});
  }

  // Workflows

  /**
   * Records the file or the folder's regular files as a new version of {@code name} (created on its
   * first push): hashes them, uploads the contents the server lacks, commits the manifest. When the
   * files equal the latest version's, no version is made ({@code created} false) unless {@link
   * PushOptions#allowUnchanged}.
   */
  public PushResult push(String name, Path fileOrFolder, PushOptions options) {
    return new DatasetPush(this).run(name, fileOrFolder, options);
  }

  /**
   * Writes version {@code ref} ({@code NAME[@VERSION|@TAG]}) into {@code dir}: files already there
   * with the same size and sha256 are kept, the others downloaded, checked and moved into place
   * atomically. Files in {@code dir} that the version does not hold are left alone.
   */
  public PullResult pull(String ref, Path dir, PullOptions options) {
    return new DatasetPull(this).run(Ref.parse(ref), dir, options);
  }

  // Transfers

  /**
   * Streams one file of a version into {@code temp} (created or truncated), hashing it on the way;
   * tried again on 503 and I/O errors. Returns the sha256 and size received.
   */
  /** Receives the files of a pack download, one at a time, each as its own bounded stream. */
  interface FrameHandler {
    void accept(String path, InputStream content);
  }

  /**
   * Downloads several files of a version in one request ({@code POST .../versions/{v}/pack}),
   * handing each frame to {@code handler} in order. Tried again on 503 and connection errors until
   * the first frame arrives; a pack cut short later fails (pull again to fetch what is missing).
   */
  void downloadPack(String name, long version, List<String> paths, FrameHandler handler) {
    ObjectNode body = client.mapper().createObjectNode();
    ArrayNode list = body.putArray("paths");
    paths.forEach(list::add);
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(client.url(versionPath(name, Long.toString(version)) + "/pack")))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(10))
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build();
    for (int attempt = 0; ; attempt++) {
      HttpResponse<InputStream> r;
      try {
        r = client.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (attempt >= RETRIES) {
          throw gaveUp("download " + paths.size() + " small files", e);
        }
        pause(attempt);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CairnException(ErrorCode.ABORTED, "Interrupted while downloading", e);
      }
      try (InputStream in = new java.io.BufferedInputStream(r.body(), 1 << 16)) {
        if (r.statusCode() >= 400) {
          String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
          if (retryable(r.statusCode()) && attempt < RETRIES) {
            pause(attempt);
            continue;
          }
          client.answer(r.statusCode(), text);
          throw unexpected(r.statusCode());
        }
        int n = 0;
        Pack.Frame frame;
        try {
          frame = Pack.next(in, n);
        } catch (CairnException e) {
          throw malformed(e);
        }
        while (frame != null) {
          InputStream content = Pack.bounded(in, frame.size());
          handler.accept(frame.path(), content);
          content.transferTo(OutputStream.nullOutputStream());
          try {
            frame = Pack.next(in, ++n);
          } catch (CairnException e) {
            throw malformed(e);
          }
        }
        return;
      } catch (IOException e) {
        throw gaveUp("download " + paths.size() + " small files", e);
      }
    }
  }

  LocalFiles.Hashed download(String name, long version, String path, Path temp, LongConsumer got) {
    StringBuilder url =
        new StringBuilder(versionPath(name, Long.toString(version))).append("/files");
    for (String segment : path.split("/")) {
      url.append('/').append(CairnClient.encodeSegment(segment));
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(client.url(url.toString())))
            .timeout(Duration.ofMinutes(2))
            .GET()
            .build();
    byte[] buffer = new byte[LocalFiles.BUFFER];
    for (int attempt = 0; ; attempt++) {
      AtomicLong received = new AtomicLong();
      // A good answer goes straight to the file through the client's own file channel (about
      // twice as fast as reading an InputStream), and is hashed from there afterwards; an error
      // answer is read as text.
      HttpResponse.BodyHandler<String> handler =
          info ->
              info.statusCode() >= 400
                  ? HttpResponse.BodySubscribers.ofString(java.nio.charset.StandardCharsets.UTF_8)
                  : new CountingSubscriber<>(
                      HttpResponse.BodySubscribers.mapping(
                          HttpResponse.BodySubscribers.ofFile(
                              temp,
                              StandardOpenOption.CREATE,
                              StandardOpenOption.TRUNCATE_EXISTING,
                              StandardOpenOption.WRITE),
                          written -> (String) null),
                      n -> {
                        received.addAndGet(n);
                        got.accept(n);
                      });
      try {
        HttpResponse<String> r = client.http().send(request, handler);
        if (r.statusCode() >= 400) {
          if (retryable(r.statusCode()) && attempt < RETRIES) {
            pause(attempt);
            continue;
          }
          client.answer(r.statusCode(), r.body()); // throws the server's error
          throw unexpected(r.statusCode());
        }
        try {
          return LocalFiles.sha256(temp, buffer, n -> {});
        } catch (IOException e) {
          throw new LocalWriteFailed(e);
        }
      } catch (LocalWriteFailed e) {
        got.accept(-received.get());
        throw CairnException.invalid(
            "Cannot write %s: %s", temp, LocalFiles.describe((IOException) e.getCause()));
      } catch (IOException e) {
        got.accept(-received.get());
        if (attempt >= RETRIES) {
          throw gaveUp("download " + path, e);
        }
        pause(attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CairnException(ErrorCode.ABORTED, "Interrupted while downloading " + path, e);
      }
    }
  }

  /** A body subscriber that reports the size of each buffer it passes on. */
  private static final class CountingSubscriber<T> implements HttpResponse.BodySubscriber<T> {
    private final HttpResponse.BodySubscriber<T> inner;
    private final LongConsumer counted;

    CountingSubscriber(HttpResponse.BodySubscriber<T> inner, LongConsumer counted) {
      this.inner = inner;
      this.counted = counted;
    }

    @Override
    public java.util.concurrent.CompletionStage<T> getBody() {
      return inner.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      inner.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      long n = 0;
      for (ByteBuffer b : item) {
        n += b.remaining();
      }
      inner.onNext(item);
      counted.accept(n);
    }

    @Override
    public void onError(Throwable throwable) {
      inner.onError(throwable);
    }

    @Override
    public void onComplete() {
      inner.onComplete();
    }
  }

  /** A failure writing a local file, told apart from a failure reading from the server. */
  private static final class LocalWriteFailed extends RuntimeException {
    LocalWriteFailed(IOException cause) {
      super(cause);
    }
  }

  private static CairnException malformed(CairnException e) {
    return new CairnException(
        ErrorCode.INVALID_STATE, "The server sent a malformed pack: " + e.getMessage(), e);
  }

  private static CairnException unexpected(int status) {
    return new CairnException(ErrorCode.INTERNAL_ERROR, "HTTP " + status);
  }

  private static boolean retryable(int status) {
    return status == 503 || status == 429;
  }

  private void pause(int attempt) {
    long wait = Math.min(30_000, backoffMillis << Math.min(attempt, 10));
    wait += ThreadLocalRandom.current().nextLong(wait / 4 + 1);
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CairnException(ErrorCode.ABORTED, "Interrupted while waiting to try again", e);
    }
  }

  private CairnException gaveUp(String what, IOException e) {
    return new CairnException(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        "Could not "
            + what
            + " after "
            + (RETRIES + 1)
            + " attempts: the server at "
            + client.baseUrl()
            + " did not answer ("
            + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage())
            + ")",
        e);
  }

  /** Enough time to send {@code bytes} at 256 KiB/s, and 10 minutes more. */
  private static Duration uploadTimeout(long bytes) {
    return Duration.ofMinutes(10).plusSeconds(Math.max(0, bytes) / (256 * 1024));
  }

  /** A body that reports each buffer's length to {@code sent} as it is handed to the network. */
  private static HttpRequest.BodyPublisher counting(
      HttpRequest.BodyPublisher inner, LongConsumer sent) {
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return inner.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        inner.subscribe(
            new Flow.Subscriber<ByteBuffer>() {
              @Override
              public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
              }

              @Override
              public void onNext(ByteBuffer item) {
                int n = item.remaining();
                subscriber.onNext(item);
                sent.accept(n);
              }

              @Override
              public void onError(Throwable throwable) {
                subscriber.onError(throwable);
              }

              @Override
              public void onComplete() {
                subscriber.onComplete();
              }
            });
      }
    };
  }

  // JSON

  CairnClient client() {
    return client;
  }

  private static String named(String name) {
    return P + "/" + CairnClient.encodeSegment(name);
  }

  private static String versionPath(String name, String ref) {
    return named(name) + "/versions/" + CairnClient.encodeSegment(ref);
  }

  private static String nextToken(JsonNode page) {
    String token = page.path("next_page_token").asText("");
    return token.isEmpty() ? null : token;
  }

  private ObjectNode fields(Fields f) {
    ObjectNode body = client.mapper().createObjectNode();
    if (f == null) {
      return body;
    }
    if (f.description() != null) {
      body.put("description", f.description());
    }
    if (f.license() != null) {
      body.put("license", f.license());
    }
    if (f.keywords() != null) {
      ArrayNode k = body.putArray("keywords");
      f.keywords().forEach(k::add);
    }
    if (f.bbox() != null) {
      ArrayNode b = body.putArray("bbox");
      f.bbox().forEach(b::add);
    }
    if (f.start() != null) {
      body.put("start", f.start());
    }
    if (f.end() != null) {
      body.put("end", f.end());
    }
    if (f.metadata() != null) {
      body.set("metadata", f.metadata());
    }
    return body;
  }

  static Dataset dataset(JsonNode d) {
    List<String> keywords = new ArrayList<>();
    d.path("keywords").forEach(k -> keywords.add(k.asText()));
    Map<String, Long> tags = new LinkedHashMap<>();
    d.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asLong()));
    return new Dataset(
        d.path("name").asText(),
        text(d, "description"),
        text(d, "license"),
        keywords,
        d.path("latest_version").asLong(),
        tags,
        d.path("created_time").asLong(),
        d.path("last_updated_time").asLong(),
        d);
  }

  static Version version(JsonNode v) {
    List<String> tags = new ArrayList<>();
    JsonNode t = v.path("tags");
    if (t.isArray()) {
      t.forEach(x -> tags.add(x.asText()));
    } else if (t.isObject()) {
      t.fieldNames().forEachRemaining(tags::add);
    }
    return new Version(
        v.path("dataset").asText(),
        v.path("version").asLong(),
        text(v, "message"),
        text(v, "author"),
        v.hasNonNull("parent") ? v.get("parent").asLong() : null,
        v.path("created_time").asLong(),
        v.path("digest").asText(),
        v.path("file_count").asLong(),
        v.path("total_bytes").asLong(),
        v.path("deprecated").asBoolean(),
        tags,
        v);
  }

  /** The version an answer names: {@code {version: {...}}}, or a bare number fetched. */
  private Version versionIn(String name, JsonNode answer) {
    JsonNode v = answer.path("version");
    if (v.isObject()) {
      return version(v);
    }
    return version(name, v.asText()).version();
  }

  private static DeleteResult deleteResult(JsonNode answer) {
    List<Long> kept = new ArrayList<>();
    answer.path("deprecated").forEach(v -> kept.add(v.asLong()));
    return new DeleteResult(
        answer.path("deleted").asBoolean(),
        kept,
        answer.path("freed_blobs").asLong(),
        answer.path("freed_bytes").asLong(),
        answer);
  }

  private static String text(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asText() : null;
  }
}
