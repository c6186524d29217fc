package io.cairn.core.dataset;

import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import io.cairn.core.search.PageToken;
import io.cairn.core.tracking.Page;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Training Data Manager's rules in front of a {@link DatasetStore} and a {@link BlobStore}:
 * names, references, manifests, verified content-addressed uploads, unchanged pushes, deletion that
 * keeps what runs used, garbage collection, table profiles and diffs. Thread-safe.
 */
public final class DatasetService {
  public static final int LIST_DEFAULT = 100;
  public static final int LIST_LIMIT = 1000;
  public static final int MAX_DIGESTS_PER_REQUEST = 100_000;
  public static final int MAX_DESCRIPTION_LENGTH = 65_536;
  public static final int MAX_METADATA_LENGTH = 1_048_576;

  /** How long a blob row may stay "deleting" before another writer takes it over. */
  static final long STALE_CLAIM_MILLIS = 15 * 60 * 1000L;

  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$");
  private static final Pattern NUMBER = Pattern.compile("^[0-9]+$");

  private final DatasetStore store;
  private final BlobStore blobs;
  private final TableProfiler profiler;
  private final PartFiles parts;
  private final Clock clock;

  public DatasetService(
      DatasetStore store, BlobStore blobs, TableProfiler profiler, Path tempDir, Clock clock) {
    this.store = store;
    this.blobs = blobs;
    this.profiler = profiler;
    this.parts = new PartFiles(tempDir);
    this.clock = clock;
  }

  // Datasets

  public Dataset create(String workspace, String name, DatasetInfo info) {
    checkName(name);
    checkInfo(info);
    store.createDataset(workspace, name, info, clock.millis());
    return get(workspace, name);
  }

  public Dataset get(String workspace, String name) {
    checkName(name);
    return store.getDataset(workspace, name).orElseThrow(() -> datasetNotFound(name));
  }

  public Dataset update(String workspace, String name, DatasetInfo patch) {
    Dataset d = get(workspace, name);
    DatasetInfo merged = d.info().merge(patch);
    checkInfo(merged);
    store.updateDataset(workspace, name, merged, clock.millis());
    return get(workspace, name);
  }

  /** Datasets whose name contains {@code nameContains} (any when null), by name. */
  public Page<Dataset> list(
      String workspace, String nameContains, Integer maxResults, String pageToken) {
    int limit = limit(maxResults);
    long offset = PageToken.decode(pageToken);
    String like = null;
    if (nameContains != null && !nameContains.isEmpty()) {
      String literal = nameContains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
      like = "%" + literal + "%";
    }
    return Page.cut(store.listDatasets(workspace, like, limit + 1, offset), limit, offset);
  }

  /**
   * Deletes a dataset's versions that nothing used, and the dataset itself when none is left;
   * versions a run or model version used are deprecated and kept unless {@code force}.
   */
  public DeleteResult deleteDataset(String workspace, String name, boolean force) {
    Dataset d = get(workspace, name);
    List<DatasetVersion> all = store.listVersions(workspace, name, Integer.MAX_VALUE, 0);
    List<Long> kept = new ArrayList<>();
    Set<String> released = new LinkedHashSet<>();
    if (!force) {
      for (DatasetVersion v : all) {
        Optional<Set<String>> freed = store.deleteVersionIfUnused(workspace, name, v.version());
        if (freed.isEmpty()) {
          kept.add(v.version());
          store.deprecate(workspace, name, v.version(), clock.millis());
        } else {
          released.addAll(freed.get());
        }
      }
    }
    if (kept.isEmpty()) {
      released.addAll(store.deleteDataset(workspace, d.name()));
    }
    GcResult freed = collect(released, 0);
    return new DeleteResult(kept.isEmpty(), kept, freed);
  }

  // Versions

  /**
   * Resolves {@code NAME[@VERSION|@TAG]}: no version means the newest version that is not
   * deprecated.
   */
  public DatasetVersion resolve(String workspace, DatasetRef ref) {
    Dataset d = get(workspace, ref.name());
    return store
        .getVersion(workspace, d.name(), number(workspace, d, ref.version()))
        .orElseThrow(() -> versionNotFound(ref));
  }

  public VersionDetails details(String workspace, DatasetRef ref) {
    DatasetVersion v = resolve(workspace, ref);
    List<DatasetFile> files = store.files(workspace, v.dataset(), v.version());
    return new VersionDetails(
        v, files, profilesOf(files), store.usage(workspace, v.dataset(), v.version()));
  }

  /** One file of a version, by path. */
  public DatasetFile file(String workspace, DatasetRef ref, String path) {
    Manifest.checkForm(path);
    DatasetVersion v = resolve(workspace, ref);
    return store
        .file(workspace, v.dataset(), v.version(), path)
        .orElseThrow(
            () ->
                CairnException.notFound(
                    "Dataset %s@%d has no file '%s'.", v.dataset(), v.version(), path));
  }

  public List<DatasetFile> files(String workspace, DatasetRef ref) {
    DatasetVersion v = resolve(workspace, ref);
    return store.files(workspace, v.dataset(), v.version());
  }

  public Page<DatasetVersion> versions(
      String workspace, String name, Integer maxResults, String pageToken) {
    Dataset d = get(workspace, name);
    int limit = limit(maxResults);
    long offset = PageToken.decode(pageToken);
    return Page.cut(store.listVersions(workspace, d.name(), limit + 1, offset), limit, offset);
  }

  /** A version and its ancestors, following parents, newest first; at most {@code max}. */
  public List<DatasetVersion> log(String workspace, DatasetRef ref, int max) {
    List<DatasetVersion> chain = new ArrayList<>();
    Optional<DatasetVersion> at = Optional.of(resolve(workspace, ref));
    while (at.isPresent() && chain.size() < max) {
      DatasetVersion v = at.get();
      chain.add(v);
      at =
          v.parent() == null
              ? Optional.empty()
              : store.getVersion(workspace, v.dataset(), v.parent());
    }
    return chain;
  }

  /**
   * Records a version from files whose blobs are stored, creating the dataset on its first push.
   * When the files equal the parent's and {@code allowUnchanged} is false, no version is made: the
   * tags move to the parent, which is returned with {@code created} false.
   */
  public PushResult commit(String workspace, String name, NewDatasetVersion request) {
    checkName(name);
    request.tags().forEach(DatasetService::checkTag);
    List<DatasetFile> files = Manifest.checked(request.files());
    String digest = Manifest.digest(files);
    Dataset d = store.getDataset(workspace, name).orElseGet(() -> createIfAbsent(workspace, name));
    Long parent = request.parent();
    if (parent == null) {
      parent = latestUsable(workspace, d).orElse(null);
    } else if (store.getVersion(workspace, name, parent).isEmpty()) {
      throw versionNotFound(new DatasetRef(name, Long.toString(parent)));
    }
    if (parent != null && !request.allowUnchanged()) {
      DatasetVersion p = store.getVersion(workspace, name, parent).orElseThrow();
      if (p.digest().equals(digest)) {
        for (String tag : request.tags()) {
          store.setTag(workspace, name, tag, p.version(), clock.millis());
        }
        return new PushResult(store.getVersion(workspace, name, parent).orElseThrow(), false);
      }
    }
    requireStored(files);
    profileTables(files);
    NewDatasetVersion checked =
        new NewDatasetVersion(
            files,
            request.message(),
            request.author(),
            parent,
            request.tags(),
            request.metadata(),
            request.allowUnchanged());
    long number = store.createVersion(workspace, name, checked, digest, clock.millis());
    return new PushResult(store.getVersion(workspace, name, number).orElseThrow(), true);
  }

  public DatasetVersion setTag(String workspace, String name, String tag, String version) {
    checkTag(tag);
    DatasetVersion v = resolve(workspace, new DatasetRef(name, version));
    store.setTag(workspace, name, tag, v.version(), clock.millis());
    return store.getVersion(workspace, name, v.version()).orElseThrow();
  }

  public void deleteTag(String workspace, String name, String tag) {
    get(workspace, name);
    if (!store.deleteTag(workspace, name, tag)) {
      throw CairnException.notFound("Dataset '%s' has no tag '%s'.", name, tag);
    }
  }

  /**
   * Deletes a version and frees the blobs no other version references; a version a run or a model
   * version used is deprecated and kept instead, unless {@code force}.
   */
  public DeleteResult deleteVersion(String workspace, DatasetRef ref, boolean force) {
    if (ref.version() == null) {
      throw CairnException.invalid(
          "Name the version to delete (%s@VERSION), or delete the whole dataset.", ref.name());
    }
    DatasetVersion v = resolve(workspace, ref);
    if (force) {
      Set<String> released = store.deleteVersion(workspace, v.dataset(), v.version());
      return new DeleteResult(true, List.of(), collect(released, 0));
    }
    Optional<Set<String>> released =
        store.deleteVersionIfUnused(workspace, v.dataset(), v.version());
    if (released.isEmpty()) {
      store.deprecate(workspace, v.dataset(), v.version(), clock.millis());
      return new DeleteResult(false, List.of(v.version()), new GcResult(0, 0));
    }
    return new DeleteResult(true, List.of(), collect(released.get(), 0));
  }

  public List<DatasetStore.RunInput> runInputs(String runId) {
    return store.runInputs(runId);
  }

  // Blobs

  /** Of these digests, those whose blobs the store lacks, in the order asked. */
  public List<String> missing(List<String> sha256s) {
    if (sha256s.size() > MAX_DIGESTS_PER_REQUEST) {
      throw CairnException.invalid(
          "Ask about at most %d digests at a time; this request has %d.",
          MAX_DIGESTS_PER_REQUEST, sha256s.size());
    }
    sha256s.forEach(Manifest::checkSha256);
    Set<String> missing = store.missingBlobs(new LinkedHashSet<>(sha256s), clock.millis());
    List<String> out = new ArrayList<>();
    for (String s : new LinkedHashSet<>(sha256s)) {
      if (missing.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Receives a blob: the bytes are written to a temporary file while their sha256 is computed,
   * refused when it differs from {@code sha256}, then moved into the blob store. {@code pathHint}
   * (the file's name in the dataset, or null) lets a table be profiled before it is stored.
   */
  public BlobReceipt receive(String sha256, InputStream body, String pathHint) {
    Manifest.checkSha256(sha256);
    long now = clock.millis();
    DatasetStore.BlobState state = store.touchBlob(sha256, now);
    Path temp = parts.create();
    try {
      long size = copyVerified(sha256, body, temp);
      if (state == DatasetStore.BlobState.PRESENT && blobs.size(sha256) == size) {
        return new BlobReceipt(sha256, size, false);
      }
      profileOnArrival(sha256, pathHint, temp);
      blobs.put(sha256, temp);
      if (!store.blobStored(sha256, size, clock.millis(), clock.millis() - STALE_CLAIM_MILLIS)) {
        throw beingCollected(sha256);
      }
      return new BlobReceipt(sha256, size, true);
    } finally {
      parts.release(temp);
    }
  }

  /**
   * Receives many small contents in one request. The body is a sequence of frames, each a header
   * line {@code <sha256> <size> <URL-encoded path or ->\n} followed by exactly {@code size} bytes.
   * Each content is verified and stored like {@link #receive}; their index rows are written in one
   * transaction at the end. A bad frame stops the request with an error naming it; contents before
   * it stay stored (they were verified), so a retry sends only what is still missing.
   */
  public PackReceipt receivePack(InputStream body) {
    java.io.BufferedInputStream in = new java.io.BufferedInputStream(body, 1 << 16);
    Map<String, Long> received = new LinkedHashMap<>();
    long bytes = 0;
    int frame = 0;
    try {
      for (Pack.Frame f = Pack.next(in, frame); f != null; f = Pack.next(in, ++frame)) {
        String sha256 = f.sha256();
        long size = f.size();
        Path temp = parts.create();
        try {
          long got = copyVerified(sha256, Pack.bounded(in, size), temp);
          if (got != size) {
            throw CairnException.invalid(
                "Pack frame %d (%s): the body ended after %d of %d bytes.",
                frame, sha256, got, size);
          }
          profileOnArrival(sha256, f.path(), temp);
          blobs.put(sha256, temp);
        } finally {
          parts.release(temp);
        }
        received.put(sha256, size);
        bytes += size;
      }
    } catch (IOException e) {
      throw CairnException.invalid("The pack upload was cut short: %s", e.getMessage());
    } finally {
      if (!received.isEmpty()) {
        long now = clock.millis();
        Set<String> refused = store.blobsStored(received, now, now - STALE_CLAIM_MILLIS);
        if (!refused.isEmpty()) {
          throw beingCollected(refused.iterator().next());
        }
      }
    }
    return new PackReceipt(received.size(), bytes);
  }

  /**
   * Profiles a verified upload that the path it is pushed under names a table, once per content.
   */
  private void profileOnArrival(String sha256, String pathHint, Path verified) {
    if (pathHint != null) {
      TableFormat.of(pathHint)
          .filter(f -> store.profiles(List.of(sha256)).isEmpty())
          .ifPresent(f -> store.saveProfile(sha256, profiler.profile(verified, f)));
    }
  }

  /** Opens a blob for reading; the caller closes it. */
  public InputStream open(String sha256) {
    return blobs.open(sha256);
  }

  /**
   * Frees blobs that no version references and that nobody touched for {@code graceMillis}: each is
   * claimed in the database, deleted from the blob store, then forgotten. Safe while pushes run: a
   * push touches what it relies on, and a commit whose blob was freed fails naming it, to be
   * re-uploaded. Also removes the part files of uploads that crashed or were cut off: those not
   * written for the grace period, and at least {@link PartFiles#ABANDONED_MILLIS} (another server
   * sharing the folder may still be writing a younger one); never one this process is writing.
   */
  public GcResult gc(long graceMillis) {
    if (graceMillis < 0) {
      throw CairnException.invalid("The grace period cannot be negative.");
    }
    GcResult freed = collect(null, graceMillis);
    parts.sweep(clock.millis() - Math.max(graceMillis, PartFiles.ABANDONED_MILLIS));
    return freed;
  }

  private GcResult collect(Set<String> candidates, long graceMillis) {
    if (candidates != null && candidates.isEmpty()) {
      return new GcResult(0, 0);
    }
    long count = 0;
    long bytes = 0;
    while (true) {
      long now = clock.millis();
      Map<String, Long> claimed =
          store.claimUnreferencedBlobs(now - graceMillis, candidates, 1000, now);
      for (Map.Entry<String, Long> e : claimed.entrySet()) {
        blobs.delete(e.getKey());
        store.forgetBlob(e.getKey());
        count++;
        bytes += Math.max(0, e.getValue());
      }
      if (claimed.size() < 1000) {
        return new GcResult(count, bytes);
      }
    }
  }

  // Diff

  public DatasetDiff diff(String workspace, DatasetRef fromRef, DatasetRef toRef) {
    DatasetVersion from = resolve(workspace, fromRef);
    DatasetVersion to = resolve(workspace, toRef);
    List<DatasetFile> before = store.files(workspace, from.dataset(), from.version());
    List<DatasetFile> after = store.files(workspace, to.dataset(), to.version());
    Map<String, DatasetFile> b = byPath(before);
    Map<String, DatasetFile> a = byPath(after);
    List<DatasetFile> added = new ArrayList<>();
    List<DatasetFile> removed = new ArrayList<>();
    List<DatasetDiff.Change> changed = new ArrayList<>();
    long unchanged = 0;
    for (DatasetFile f : after) {
      DatasetFile old = b.get(f.path());
      if (old == null) {
        added.add(f);
      } else if (!old.sha256().equals(f.sha256())) {
        changed.add(new DatasetDiff.Change(f.path(), old, f, null));
      } else {
        unchanged++;
      }
    }
    for (DatasetFile f : before) {
      if (!a.containsKey(f.path())) {
        removed.add(f);
      }
    }
    List<DatasetDiff.Rename> renamed = new ArrayList<>();
    Map<String, DatasetFile> removedBySha = new HashMap<>();
    removed.forEach(f -> removedBySha.putIfAbsent(f.sha256(), f));
    for (DatasetFile f : List.copyOf(added)) {
      DatasetFile old = removedBySha.remove(f.sha256());
      if (old != null) {
        renamed.add(new DatasetDiff.Rename(old.path(), f.path(), f.sha256(), f.size()));
        added.remove(f);
        removed.remove(old);
      }
    }
    List<DatasetDiff.Change> detailed = new ArrayList<>();
    for (DatasetDiff.Change c : changed) {
      detailed.add(
          new DatasetDiff.Change(
              c.path(), c.before(), c.after(), tableChange(c.before(), c.after()).orElse(null)));
    }
    return new DatasetDiff(
        from.dataset(), from.version(), to.version(), added, removed, renamed, detailed, unchanged);
  }

  private Optional<DatasetDiff.TableChange> tableChange(DatasetFile before, DatasetFile after) {
    Optional<TableFormat> fb = TableFormat.of(before.path());
    Optional<TableFormat> fa = TableFormat.of(after.path());
    if (fb.isEmpty() || fa.isEmpty()) {
      return Optional.empty();
    }
    Map<String, TableProfile> profiles = store.profiles(List.of(before.sha256(), after.sha256()));
    TableProfile pb = profiles.get(before.sha256());
    TableProfile pa = profiles.get(after.sha256());
    if (pb == null || pa == null || pb.error() != null || pa.error() != null) {
      String error = pb != null && pb.error() != null ? pb.error() : pa != null ? pa.error() : null;
      return Optional.of(
          new DatasetDiff.TableChange(
              0,
              0,
              null,
              null,
              List.of(),
              List.of(),
              List.of(),
              List.of(),
              error != null ? error : "no profile"));
    }
    Map<String, TableProfile.ColumnProfile> cb = columns(pb);
    Map<String, TableProfile.ColumnProfile> ca = columns(pa);
    List<String> columnsAdded = new ArrayList<>();
    List<String> columnsRemoved = new ArrayList<>();
    List<DatasetDiff.TypeChange> types = new ArrayList<>();
    List<DatasetDiff.ColumnShift> shifts = new ArrayList<>();
    ca.keySet().stream().filter(k -> !cb.containsKey(k)).forEach(columnsAdded::add);
    cb.keySet().stream().filter(k -> !ca.containsKey(k)).forEach(columnsRemoved::add);
    for (Map.Entry<String, TableProfile.ColumnProfile> e : ca.entrySet()) {
      TableProfile.ColumnProfile old = cb.get(e.getKey());
      if (old == null) {
        continue;
      }
      if (!old.type().equals(e.getValue().type())) {
        types.add(new DatasetDiff.TypeChange(e.getKey(), old.type(), e.getValue().type()));
      }
      shifts.add(new DatasetDiff.ColumnShift(e.getKey(), old, e.getValue()));
    }
    Long added = null;
    Long removed = null;
    String error = null;
    if (columnsAdded.isEmpty() && columnsRemoved.isEmpty()) {
      try {
        TableProfiler.RowChanges rows =
            withLocalFiles(
                before.sha256(),
                after.sha256(),
                (x, y) -> profiler.compareRows(x, fb.get(), y, fa.get()));
        added = rows.added();
        removed = rows.removed();
      } catch (CairnException e) {
        error = e.getMessage();
      }
    }
    return Optional.of(
        new DatasetDiff.TableChange(
            pb.rows(),
            pa.rows(),
            added,
            removed,
            columnsAdded,
            columnsRemoved,
            types,
            shifts,
            error));
  }

  private static Map<String, TableProfile.ColumnProfile> columns(TableProfile p) {
    Map<String, TableProfile.ColumnProfile> out = new LinkedHashMap<>();
    p.columns().forEach(c -> out.put(c.name(), c));
    return out;
  }

  // Profiles

  /** Profiles of the table files among these, by path. */
  private Map<String, TableProfile> profilesOf(List<DatasetFile> files) {
    List<String> shas = new ArrayList<>();
    for (DatasetFile f : files) {
      if (TableFormat.of(f.path()).isPresent()) {
        shas.add(f.sha256());
      }
    }
    Map<String, TableProfile> bySha = shas.isEmpty() ? Map.of() : store.profiles(shas);
    Map<String, TableProfile> out = new LinkedHashMap<>();
    for (DatasetFile f : files) {
      TableProfile p = bySha.get(f.sha256());
      if (p != null) {
        out.put(f.path(), p);
      }
    }
    return out;
  }

  private void profileTables(List<DatasetFile> files) {
    Map<String, TableFormat> tables = new LinkedHashMap<>();
    for (DatasetFile f : files) {
      TableFormat.of(f.path()).ifPresent(fmt -> tables.putIfAbsent(f.sha256(), fmt));
    }
    if (tables.isEmpty()) {
      return;
    }
    Set<String> known = store.profiles(tables.keySet()).keySet();
    for (Map.Entry<String, TableFormat> e : tables.entrySet()) {
      if (!known.contains(e.getKey())) {
        TableProfile p = withLocalFile(e.getKey(), file -> profiler.profile(file, e.getValue()));
        store.saveProfile(e.getKey(), p);
      }
    }
  }

  private <T> T withLocalFile(String sha256, Function<Path, T> use) {
    Path temp = parts.create();
    try {
      try (InputStream in = blobs.open(sha256)) {
        Files.copy(in, temp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return use.apply(temp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      parts.release(temp);
    }
  }

  private <T> T withLocalFiles(
      String first, String second, java.util.function.BiFunction<Path, Path, T> use) {
    return withLocalFile(first, a -> withLocalFile(second, b -> use.apply(a, b)));
  }

  // Rules

  private void requireStored(List<DatasetFile> files) {
    Set<String> shas = new LinkedHashSet<>();
    files.forEach(f -> shas.add(f.sha256()));
    checkStored(files, store.blobSizes(shas));
  }

  /**
   * Refuses files whose content is not among {@code storedSizes} (RESOURCE_DOES_NOT_EXIST naming
   * them, so clients upload them and commit again) or is stored with another size.
   */
  public static void checkStored(List<DatasetFile> files, Map<String, Long> storedSizes) {
    List<String> missing = new ArrayList<>();
    for (DatasetFile f : files) {
      Long size = storedSizes.get(f.sha256());
      if (size == null) {
        missing.add(f.path() + " (" + f.sha256() + ")");
      } else if (size != f.size()) {
        throw CairnException.invalid(
            "File '%s' is listed with %d bytes, but its content %s has %d.",
            f.path(), f.size(), f.sha256(), size);
      }
    }
    if (!missing.isEmpty()) {
      throw missingBlobs(missing);
    }
  }

  /** The error for files whose content is not stored; clients upload them and commit again. */
  public static CairnException missingBlobs(List<String> missing) {
    return CairnException.notFound(
        "%d file(s) have no stored content; upload them and commit again: %s",
        missing.size(), String.join(", ", missing.subList(0, Math.min(10, missing.size()))));
  }

  private Dataset createIfAbsent(String workspace, String name) {
    try {
      store.createDataset(workspace, name, DatasetInfo.empty(), clock.millis());
    } catch (CairnException e) {
      if (e.code() != ErrorCode.RESOURCE_ALREADY_EXISTS) {
        throw e;
      }
    }
    return get(workspace, name);
  }

  private Optional<Long> latestUsable(String workspace, Dataset d) {
    if (d.latestVersion() == 0) {
      return Optional.empty();
    }
    Optional<DatasetVersion> newest = store.getVersion(workspace, d.name(), d.latestVersion());
    if (newest.isPresent() && !newest.get().deprecated()) {
      return Optional.of(newest.get().version());
    }
    for (DatasetVersion v : store.listVersions(workspace, d.name(), Integer.MAX_VALUE, 0)) {
      if (!v.deprecated()) {
        return Optional.of(v.version());
      }
    }
    return Optional.empty();
  }

  private long number(String workspace, Dataset d, String version) {
    if (version == null) {
      return latestUsable(workspace, d)
          .orElseThrow(() -> CairnException.notFound("Dataset '%s' has no version yet.", d.name()));
    }
    if (NUMBER.matcher(version).matches() && version.length() < 19) {
      return Long.parseLong(version);
    }
    return store
        .versionOfTag(workspace, d.name(), version)
        .orElseThrow(() -> versionNotFound(new DatasetRef(d.name(), version)));
  }

  public static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw CairnException.invalid(
          "Invalid dataset name '%s': use 1 to 255 letters, digits, '.', '_' or '-', starting"
              + " with a letter or digit.",
          name);
    }
  }

  public static void checkTag(String tag) {
    if (tag == null || !NAME.matcher(tag).matches()) {
      throw CairnException.invalid(
          "Invalid tag '%s': use 1 to 255 letters, digits, '.', '_' or '-', starting with a letter"
              + " or digit.",
          tag);
    }
    if (NUMBER.matcher(tag).matches() || tag.equals("latest")) {
      throw CairnException.invalid(
          "Invalid tag '%s': a number or 'latest' would be read as a version.", tag);
    }
  }

  static void checkInfo(DatasetInfo info) {
    if (info.description() != null && info.description().length() > MAX_DESCRIPTION_LENGTH) {
      throw CairnException.invalid(
          "The description is longer than %d characters.", MAX_DESCRIPTION_LENGTH);
    }
    if (info.license() != null && info.license().length() > 255) {
      throw CairnException.invalid("The license is longer than 255 characters.");
    }
    if (info.keywords() != null) {
      for (String k : info.keywords()) {
        if (k == null || k.isBlank() || k.length() > 255) {
          throw CairnException.invalid("Keywords must be 1 to 255 characters, not blank.");
        }
      }
    }
    List<Double> bbox = info.bbox();
    if (bbox != null) {
      if (bbox.size() != 4 && bbox.size() != 6) {
        throw CairnException.invalid(
            "A bbox has 4 numbers (west, south, east, north) or 6 (with heights); got %d.",
            bbox.size());
      }
      int half = bbox.size() / 2;
      double west = bbox.get(0);
      double south = bbox.get(1);
      double east = bbox.get(half);
      double north = bbox.get(half + 1);
      for (double lon : new double[] {west, east}) {
        if (!(lon >= -180 && lon <= 180)) {
          throw CairnException.invalid("bbox longitudes must lie in [-180, 180]; got %s.", lon);
        }
      }
      if (!(south >= -90 && north <= 90 && south <= north)) {
        throw CairnException.invalid(
            "bbox latitudes must lie in [-90, 90] with south <= north; got %s and %s.",
            south, north);
      }
    }
    OffsetDateTime start = dateTime("start", info.start());
    OffsetDateTime end = dateTime("end", info.end());
    if (start != null && end != null && start.isAfter(end)) {
      throw CairnException.invalid("The temporal extent starts after it ends.");
    }
    if (info.metadata() != null && info.metadata().length() > MAX_METADATA_LENGTH) {
      throw CairnException.invalid(
          "The metadata is longer than %d characters.", MAX_METADATA_LENGTH);
    }
  }

  private static OffsetDateTime dateTime(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw CairnException.invalid(
          "'%s' is not an RFC 3339 date-time for %s (for example 2023-01-31T00:00:00Z).",
          text, field);
    }
  }

  private int limit(Integer maxResults) {
    int limit = maxResults == null ? LIST_DEFAULT : maxResults;
    if (limit < 1 || limit > LIST_LIMIT) {
      throw CairnException.invalid(
          "max_results must be between 1 and %d; got %d.", LIST_LIMIT, limit);
    }
    return limit;
  }

  private long copyVerified(String sha256, InputStream body, Path temp) {
    MessageDigest md = Manifest.sha256();
    long size = 0;
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(temp)) {
      int n;
      while ((n = body.read(buffer)) > 0) {
        md.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      throw CairnException.invalid("The upload of %s was cut short: %s", sha256, e.getMessage());
    }
    String actual = HexFormat.of().formatHex(md.digest());
    if (!actual.equals(sha256)) {
      throw CairnException.invalid(
          "The uploaded content does not match its name: sha256 %s was expected, the %d bytes"
              + " received hash to %s.",
          sha256, size, actual);
    }
    return size;
  }

  private static Map<String, DatasetFile> byPath(List<DatasetFile> files) {
    Map<String, DatasetFile> out = new HashMap<>();
    files.forEach(f -> out.put(f.path(), f));
    return out;
  }

  private static CairnException beingCollected(String sha256) {
    return new CairnException(
        ErrorCode.TEMPORARILY_UNAVAILABLE,
        "Content " + sha256 + " is being garbage-collected right now; upload it again.");
  }

  private static CairnException datasetNotFound(String name) {
    return CairnException.notFound("Dataset '%s' not found.", name);
  }

  private static CairnException versionNotFound(DatasetRef ref) {
    return CairnException.notFound(
        "Dataset '%s' has no version or tag '%s'.", ref.name(), ref.version());
  }

  /** A version with its files, the profiles of its tables (by path) and who used it. */
  public record VersionDetails(
      DatasetVersion version,
      List<DatasetFile> files,
      Map<String, TableProfile> profiles,
      VersionUsage usage) {}

  /** The version a push recorded, or the unchanged one it found. */
  public record PushResult(DatasetVersion version, boolean created) {}

  /** What a pack upload stored: how many contents and bytes. */
  public record PackReceipt(int contents, long bytes) {}

  /** A blob received; {@code stored} is false when it was already there. */
  public record BlobReceipt(String sha256, long size, boolean stored) {}

  /** What a garbage-collection pass freed. */
  public record GcResult(long blobs, long bytes) {}

  /** What a delete did: removed, or kept these versions deprecated; and what it freed. */
  public record DeleteResult(boolean deleted, List<Long> deprecated, GcResult freed) {}
}
