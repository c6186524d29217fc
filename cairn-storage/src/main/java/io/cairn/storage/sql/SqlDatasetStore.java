package io.cairn.storage.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cairn.core.dataset.Dataset;
import io.cairn.core.dataset.DatasetFile;
import io.cairn.core.dataset.DatasetInfo;
import io.cairn.core.dataset.DatasetService;
import io.cairn.core.dataset.DatasetStore;
import io.cairn.core.dataset.DatasetVersion;
import io.cairn.core.dataset.NewDatasetVersion;
import io.cairn.core.dataset.TableProfile;
import io.cairn.core.dataset.VersionUsage;
import io.cairn.core.error.CairnException;
import io.cairn.core.error.ErrorCode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Datasets, their versions, the blob index and table profiles in SQL.
 *
 * <p>Numbering: a version's number comes from incrementing its dataset's {@code last_version} in
 * the transaction that inserts it, as model versions do: the row lock (PostgreSQL) or the write
 * lock (SQLite) orders concurrent committers, and a committer that fails rolls its increment back,
 * so numbers have no duplicates and no gaps.
 *
 * <p>Blobs and garbage collection: a commit touches (updates) the row of every blob it references,
 * only where the row is {@code present}, and inserts its file rows in the same transaction; the
 * file rows reference the blob rows without cascade, so the database itself refuses to forget a
 * referenced blob. A collection pass claims rows by flipping them to {@code deleting}; see {@link
 * #claimUnreferencedBlobs} for why the two can run at once on PostgreSQL under READ COMMITTED.
 * Writers touch blob rows in sha256 order (sorted, then chunked) so that two commits sharing
 * contents lock them in the same order; should PostgreSQL still find a deadlock, the loser fails as
 * TEMPORARILY_UNAVAILABLE and the client retries.
 *
 * <p>A pass with a grace period shorter than {@link #DEAD_PASS_MILLIS} (the one that follows a
 * delete has none) leaves other passes' fresh {@code deleting} rows alone; only older ones count as
 * left by a dead pass.
 */
public final class SqlDatasetStore implements DatasetStore {
  /**
   * How long a row stays {@code deleting} before a pass with a shorter grace period takes it over:
   * a live pass deletes its claims within seconds, and taking over a live pass's claim could delete
   * content re-uploaded after that pass forgot the row. Matches the service's stale-claim period.
   */
  static final long DEAD_PASS_MILLIS = 15 * 60 * 1000L;

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<List<Double>> NUMBERS = new TypeReference<>() {};
  private static final int CHUNK = DatasetRows.CHUNK;
  private static final int INSERT_BATCH = 5000;
  private static final String DATASET_COLUMNS =
      "d.dataset_id, d.name, d.description, d.license, d.keywords, d.bbox, d.extent_start,"
          + " d.extent_end, d.metadata, d.creation_time, d.last_updated_time, d.last_version";
  private static final String VERSION_COLUMNS =
      "v.version, v.message, v.author, v.parent, v.creation_time, v.digest, v.file_count,"
          + " v.total_bytes, v.metadata, v.deprecated";

  /**
   * Rows a pass may claim: unreferenced, untouched since the cutoff; deleting ones only if dead.
   */
  private static final String CLAIMABLE =
      " blobs.last_touched < ? AND (blobs.state = 'present' OR blobs.last_touched < ?)"
          + " AND NOT EXISTS (SELECT 1 FROM managed_dataset_files f WHERE f.sha256 = blobs.sha256)";

  private final Database db;

  public SqlDatasetStore(Database db) {
    this.db = db;
  }

  // Datasets

  @Override
  public void createDataset(String workspace, String name, DatasetInfo info, long now) {
    db.write(
        tx -> {
          int added;
          try {
            added =
                tx.update(
                    "INSERT INTO managed_datasets (workspace, name, description, license, keywords,"
                        + " bbox, extent_start, extent_end, metadata, creation_time,"
                        + " last_updated_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        + " ON CONFLICT (workspace, name) DO NOTHING",
                    workspace,
                    name,
                    info.description(),
                    info.license(),
                    toJson(info.keywords()),
                    toJson(info.bbox()),
                    info.start(),
                    info.end(),
                    info.metadata(),
                    now,
                    now);
          } catch (SQLException e) {
            if (Database.isForeignKeyViolation(e)) {
              throw CairnException.notFound("Workspace '%s' not found.", workspace);
            }
            throw e;
          }
          if (added == 0) {
            throw CairnException.alreadyExists("Dataset '%s' already exists.", name);
          }
          return null;
        });
  }

  @Override
  public Optional<Dataset> getDataset(String workspace, String name) {
    return db.read(
        tx ->
            datasets(
                    tx,
                    tx.query(
                        "SELECT "
                            + DATASET_COLUMNS
                            + " FROM managed_datasets d WHERE d.workspace = ? AND d.name = ?",
                        SqlDatasetStore::datasetRow,
                        workspace,
                        name))
                .stream()
                .findFirst());
  }

  @Override
  public void updateDataset(String workspace, String name, DatasetInfo info, long now) {
    int updated =
        db.write(
            tx ->
                tx.update(
                    "UPDATE managed_datasets SET description = ?, license = ?, keywords = ?,"
                        + " bbox = ?, extent_start = ?, extent_end = ?, metadata = ?,"
                        + " last_updated_time = ? WHERE workspace = ? AND name = ?",
                    info.description(),
                    info.license(),
                    toJson(info.keywords()),
                    toJson(info.bbox()),
                    info.start(),
                    info.end(),
                    info.metadata(),
                    now,
                    workspace,
                    name));
    if (updated == 0) {
      throw DatasetRows.datasetNotFound(name);
    }
  }

  @Override
  public List<Dataset> listDatasets(String workspace, String nameLike, int limit, long offset) {
    List<Object> args = new ArrayList<>();
    args.add(workspace);
    String where = " WHERE d.workspace = ?";
    if (nameLike != null) {
      where += " AND d.name LIKE ? ESCAPE '\\'";
      args.add(nameLike);
    }
    args.add(limit);
    args.add(offset);
    String sql =
        "SELECT "
            + DATASET_COLUMNS
            + " FROM managed_datasets d"
            + where
            + " ORDER BY d.name, d.dataset_id LIMIT ? OFFSET ?";
    return db.read(tx -> datasets(tx, tx.query(sql, SqlDatasetStore::datasetRow, args.toArray())));
  }

  @Override
  public Set<String> deleteDataset(String workspace, String name) {
    return db.write(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          Set<String> referenced = new TreeSet<>();
          tx.forEach(
              "SELECT DISTINCT sha256 FROM managed_dataset_files WHERE dataset_id = ?",
              rs -> referenced.add(rs.getString(1)),
              id);
          tx.update("DELETE FROM managed_datasets WHERE dataset_id = ?", id);
          return referenced;
        });
  }

  /** A dataset row with its surrogate key, before its tags are attached. */
  private record DatasetRow(long id, Dataset dataset) {}

  private static DatasetRow datasetRow(ResultSet rs) throws SQLException {
    DatasetInfo info =
        new DatasetInfo(
            rs.getString("description"),
            rs.getString("license"),
            fromJson(rs.getString("keywords"), STRINGS),
            fromJson(rs.getString("bbox"), NUMBERS),
            rs.getString("extent_start"),
            rs.getString("extent_end"),
            rs.getString("metadata"));
    return new DatasetRow(
        rs.getLong("dataset_id"),
        new Dataset(
            rs.getString("name"),
            info,
            rs.getLong("creation_time"),
            rs.getLong("last_updated_time"),
            rs.getLong("last_version"),
            Map.of()));
  }

  /** The datasets of these rows with their tags, loaded for many at once. */
  private static List<Dataset> datasets(Tx tx, List<DatasetRow> rows) throws SQLException {
    Map<Long, Map<String, Long>> tags = new HashMap<>();
    for (List<DatasetRow> chunk : DatasetRows.chunks(rows, CHUNK)) {
      Object[] ids = chunk.stream().map(DatasetRow::id).toArray();
      tx.forEach(
          "SELECT dataset_id, tag, version FROM managed_dataset_tags WHERE dataset_id IN ("
              + Tx.placeholders(ids.length)
              + ")",
          rs ->
              tags.computeIfAbsent(rs.getLong(1), k -> new TreeMap<>())
                  .put(rs.getString(2), rs.getLong(3)),
          ids);
    }
    List<Dataset> out = new ArrayList<>(rows.size());
    for (DatasetRow row : rows) {
      Dataset d = row.dataset();
      out.add(
          new Dataset(
              d.name(),
              d.info(),
              d.createdTime(),
              d.lastUpdatedTime(),
              d.latestVersion(),
              tags.getOrDefault(row.id(), Map.of())));
    }
    return out;
  }

  // Versions

  @Override
  public long createVersion(
      String workspace, String name, NewDatasetVersion version, String digest, long now) {
    List<DatasetFile> files = version.files();
    long totalBytes = 0;
    Set<String> shas = new TreeSet<>();
    for (DatasetFile f : files) {
      totalBytes += f.size();
      shas.add(f.sha256());
    }
    long total = totalBytes;
    return db.write(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          // Takes the dataset's row lock (PostgreSQL) until commit: concurrent committers of this
          // dataset queue here, each then reading the number its predecessor committed.
          long number =
              tx.first(
                      "UPDATE managed_datasets SET last_version = last_version + 1,"
                          + " last_updated_time = ? WHERE dataset_id = ? RETURNING last_version",
                      rs -> rs.getLong(1),
                      now,
                      id)
                  .orElseThrow();
          // Touching locks each present blob's row until commit; a pass cannot claim it meanwhile,
          // and a row a pass already claimed is not present, so it is reported missing.
          DatasetService.checkStored(files, touchPresent(tx, shas, now));
          tx.update(
              "INSERT INTO managed_dataset_versions (dataset_id, version, message, author, parent,"
                  + " creation_time, digest, file_count, total_bytes, metadata, deprecated)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              id,
              number,
              version.message(),
              version.author(),
              version.parent(),
              now,
              digest,
              (long) files.size(),
              total,
              version.metadata(),
              false);
          List<Object[]> rows = new ArrayList<>(Math.min(files.size(), INSERT_BATCH));
          for (DatasetFile f : files) {
            rows.add(new Object[] {id, number, f.path(), f.size(), f.sha256()});
            if (rows.size() == INSERT_BATCH) {
              insertFiles(tx, rows);
              rows.clear();
            }
          }
          insertFiles(tx, rows);
          for (String tag : new LinkedHashSet<>(version.tags())) {
            upsertTag(tx, id, tag, number);
          }
          return number;
        });
  }

  private static void insertFiles(Tx tx, List<Object[]> rows) throws SQLException {
    tx.batch(
        "INSERT INTO managed_dataset_files (dataset_id, version, path, size, sha256)"
            + " VALUES (?, ?, ?, ?, ?)",
        rows);
  }

  private static void upsertTag(Tx tx, long id, String tag, long version) throws SQLException {
    tx.update(
        "INSERT INTO managed_dataset_tags (dataset_id, tag, version) VALUES (?, ?, ?)"
            + " ON CONFLICT (dataset_id, tag) DO UPDATE SET version = excluded.version",
        id,
        tag,
        version);
  }

  @Override
  public Optional<DatasetVersion> getVersion(String workspace, String name, long version) {
    return db.read(
        tx -> {
          Optional<Long> id = DatasetRows.datasetId(tx, workspace, name);
          if (id.isEmpty()) {
            return Optional.empty();
          }
          Optional<DatasetVersion> row =
              tx.first(
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM managed_dataset_versions v WHERE v.dataset_id = ? AND v.version = ?",
                  rs -> versionRow(rs, name),
                  id.get(),
                  version);
          if (row.isEmpty()) {
            return row;
          }
          List<String> tags =
              tx.query(
                  "SELECT tag FROM managed_dataset_tags WHERE dataset_id = ? AND version = ?"
                      + " ORDER BY tag",
                  rs -> rs.getString(1),
                  id.get(),
                  version);
          return Optional.of(withTags(row.get(), tags));
        });
  }

  @Override
  public Optional<Long> versionOfTag(String workspace, String name, String tag) {
    return db.read(
        tx ->
            tx.first(
                "SELECT t.version FROM managed_dataset_tags t JOIN managed_datasets d"
                    + " ON d.dataset_id = t.dataset_id WHERE d.workspace = ? AND d.name = ?"
                    + " AND t.tag = ?",
                rs -> rs.getLong(1),
                workspace,
                name,
                tag));
  }

  @Override
  public List<DatasetVersion> listVersions(String workspace, String name, int limit, long offset) {
    return db.read(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          List<DatasetVersion> rows =
              tx.query(
                  "SELECT "
                      + VERSION_COLUMNS
                      + " FROM managed_dataset_versions v WHERE v.dataset_id = ?"
                      + " ORDER BY v.version DESC LIMIT ? OFFSET ?",
                  rs -> versionRow(rs, name),
                  id,
                  limit,
                  offset);
          if (rows.isEmpty()) {
            return rows;
          }
          Map<Long, List<String>> tags = new HashMap<>();
          tx.forEach(
              "SELECT version, tag FROM managed_dataset_tags WHERE dataset_id = ? ORDER BY tag",
              rs ->
                  tags.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2)),
              id);
          List<DatasetVersion> out = new ArrayList<>(rows.size());
          for (DatasetVersion v : rows) {
            out.add(withTags(v, tags.getOrDefault(v.version(), List.of())));
          }
          return out;
        });
  }

  @Override
  public List<DatasetFile> files(String workspace, String name, long version) {
    List<DatasetFile> files =
        db.read(
            tx -> {
              long id = DatasetRows.requireDataset(tx, workspace, name);
              if (!DatasetRows.versionExists(tx, id, version)) {
                throw DatasetRows.versionNotFound(name, version);
              }
              List<DatasetFile> out = new ArrayList<>();
              tx.forEach(
                  "SELECT path, size, sha256 FROM managed_dataset_files"
                      + " WHERE dataset_id = ? AND version = ?",
                  rs -> out.add(new DatasetFile(rs.getString(1), rs.getLong(2), rs.getString(3))),
                  id,
                  version);
              return out;
            });
    // Sorted here, not by the database, whose collation may not be Java's order (the manifest's).
    files.sort(Comparator.comparing(DatasetFile::path));
    return files;
  }

  @Override
  public Optional<DatasetFile> file(String workspace, String name, long version, String path) {
    // On PostgreSQL the key index is on md5(path); the extra condition lets it find the row.
    boolean pg = db.dialect() == Dialect.POSTGRESQL;
    String sql =
        "SELECT path, size, sha256 FROM managed_dataset_files WHERE dataset_id = ? AND version = ?"
            + (pg ? " AND md5(path) = md5(?) AND path = ?" : " AND path = ?");
    return db.read(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          if (!DatasetRows.versionExists(tx, id, version)) {
            throw DatasetRows.versionNotFound(name, version);
          }
          Object[] args =
              pg ? new Object[] {id, version, path, path} : new Object[] {id, version, path};
          return tx.first(
              sql, rs -> new DatasetFile(rs.getString(1), rs.getLong(2), rs.getString(3)), args);
        });
  }

  @Override
  public void setTag(String workspace, String name, String tag, long version, long now) {
    db.write(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          if (!DatasetRows.versionExists(tx, id, version)) {
            throw DatasetRows.versionNotFound(name, version);
          }
          upsertTag(tx, id, tag, version);
          return touchDataset(tx, id, now);
        });
  }

  @Override
  public boolean deleteTag(String workspace, String name, String tag) {
    return db.write(
            tx -> {
              Optional<Long> id = DatasetRows.datasetId(tx, workspace, name);
              if (id.isEmpty()) {
                return 0;
              }
              return tx.update(
                  "DELETE FROM managed_dataset_tags WHERE dataset_id = ? AND tag = ?",
                  id.get(),
                  tag);
            })
        > 0;
  }

  @Override
  public VersionUsage usage(String workspace, String name, long version) {
    return db.read(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          if (!DatasetRows.versionExists(tx, id, version)) {
            throw DatasetRows.versionNotFound(name, version);
          }
          List<VersionUsage.RunUse> runs =
              tx.query(
                  "SELECT r.run_uuid, r.experiment_id, r.name, l.context FROM run_dataset_versions l"
                      + " JOIN runs r ON r.run_uuid = l.run_uuid"
                      + " WHERE l.dataset_id = ? AND l.version = ?"
                      + " ORDER BY r.start_time, r.run_uuid",
                  rs ->
                      new VersionUsage.RunUse(
                          rs.getString(1),
                          Long.toString(rs.getLong(2)),
                          rs.getString(3),
                          rs.getString(4)),
                  id,
                  version);
          List<VersionUsage.ModelUse> models =
              tx.query(
                  "SELECT m.name, v.version, v.run_id FROM model_versions v"
                      + " JOIN registered_models m ON m.model_key = v.model_key"
                      + " WHERE v.run_id IN (SELECT l.run_uuid FROM run_dataset_versions l"
                      + " WHERE l.dataset_id = ? AND l.version = ?)"
                      + " ORDER BY m.name, v.version",
                  rs -> new VersionUsage.ModelUse(rs.getString(1), rs.getLong(2), rs.getString(3)),
                  id,
                  version);
          return new VersionUsage(runs, models);
        });
  }

  @Override
  public void deprecate(String workspace, String name, long version, long now) {
    db.write(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          if (tx.update(
                  "UPDATE managed_dataset_versions SET deprecated = ?"
                      + " WHERE dataset_id = ? AND version = ?",
                  true,
                  id,
                  version)
              == 0) {
            throw DatasetRows.versionNotFound(name, version);
          }
          return touchDataset(tx, id, now);
        });
  }

  @Override
  public Set<String> deleteVersion(String workspace, String name, long version) {
    return db.write(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          Set<String> referenced = new TreeSet<>();
          tx.forEach(
              "SELECT DISTINCT sha256 FROM managed_dataset_files WHERE dataset_id = ?"
                  + " AND version = ?",
              rs -> referenced.add(rs.getString(1)),
              id,
              version);
          // Files, tags and run links go with the version (ON DELETE CASCADE).
          if (tx.update(
                  "DELETE FROM managed_dataset_versions WHERE dataset_id = ? AND version = ?",
                  id,
                  version)
              == 0) {
            throw DatasetRows.versionNotFound(name, version);
          }
          return referenced;
        });
  }

  @Override
  public Optional<Set<String>> deleteVersionIfUnused(String workspace, String name, long version) {
    return db.write(
        tx -> {
          long id = DatasetRows.requireDataset(tx, workspace, name);
          // Lock the version row first: a run linking it concurrently holds a key-share lock for
          // its foreign key, so we wait for it, and the check below (a new statement, hence a new
          // snapshot on PostgreSQL's READ COMMITTED) sees its link. SQLite's write lock
          // serialises the two anyway.
          String lock = db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
          if (tx.first(
                  "SELECT version FROM managed_dataset_versions WHERE dataset_id = ? AND version = ?"
                      + lock,
                  rs -> rs.getLong(1),
                  id,
                  version)
              .isEmpty()) {
            throw DatasetRows.versionNotFound(name, version);
          }
          if (tx.first(
                  "SELECT 1 FROM run_dataset_versions WHERE dataset_id = ? AND version = ?",
                  rs -> rs.getInt(1),
                  id,
                  version)
              .isPresent()) {
            return Optional.<Set<String>>empty();
          }
          Set<String> referenced = new TreeSet<>();
          tx.forEach(
              "SELECT DISTINCT sha256 FROM managed_dataset_files WHERE dataset_id = ?"
                  + " AND version = ?",
              rs -> referenced.add(rs.getString(1)),
              id,
              version);
          tx.update(
              "DELETE FROM managed_dataset_versions WHERE dataset_id = ? AND version = ?",
              id,
              version);
          return Optional.of(referenced);
        });
  }

  @Override
  public List<RunInput> runInputs(String runId) {
    return db.read(
        tx ->
            tx.query(
                "SELECT d.name, l.version, l.context FROM run_dataset_versions l"
                    + " JOIN managed_datasets d ON d.dataset_id = l.dataset_id"
                    + " WHERE l.run_uuid = ? ORDER BY d.name, l.version",
                rs -> new RunInput(rs.getString(1), rs.getLong(2), rs.getString(3)),
                runId));
  }

  private static DatasetVersion versionRow(ResultSet rs, String name) throws SQLException {
    return new DatasetVersion(
        name,
        rs.getLong("version"),
        rs.getString("message"),
        rs.getString("author"),
        Tx.nullableLong(rs, "parent"),
        rs.getLong("creation_time"),
        rs.getString("digest"),
        rs.getLong("file_count"),
        rs.getLong("total_bytes"),
        rs.getString("metadata"),
        rs.getBoolean("deprecated"),
        List.of());
  }

  private static DatasetVersion withTags(DatasetVersion v, List<String> tags) {
    return new DatasetVersion(
        v.dataset(),
        v.version(),
        v.message(),
        v.author(),
        v.parent(),
        v.createdTime(),
        v.digest(),
        v.fileCount(),
        v.totalBytes(),
        v.metadata(),
        v.deprecated(),
        tags);
  }

  private static int touchDataset(Tx tx, long id, long now) throws SQLException {
    return tx.update(
        "UPDATE managed_datasets SET last_updated_time = ? WHERE dataset_id = ?", now, id);
  }

  // Blobs

  @Override
  public Set<String> missingBlobs(Collection<String> sha256s, long now) {
    Map<String, Long> present = db.write(tx -> touchPresent(tx, sha256s, now));
    Set<String> missing = new LinkedHashSet<>();
    for (String sha : sha256s) {
      if (!present.containsKey(sha)) {
        missing.add(sha);
      }
    }
    return missing;
  }

  /**
   * Touches the present rows among these digests and returns their sizes. Rows are visited in
   * sha256 order, in chunks, so that concurrent writers lock shared rows in the same order.
   */
  private Map<String, Long> touchPresent(Tx tx, Collection<String> sha256s, long now)
      throws SQLException {
    Map<String, Long> sizes = new HashMap<>();
    String touched = db.dialect().greatest("last_touched", "?");
    for (List<String> chunk : DatasetRows.chunks(new ArrayList<>(new TreeSet<>(sha256s)), CHUNK)) {
      Object[] args = new Object[chunk.size() + 1];
      args[0] = now;
      for (int i = 0; i < chunk.size(); i++) {
        args[i + 1] = chunk.get(i);
      }
      tx.query(
          "UPDATE blobs SET last_touched = "
              + touched
              + " WHERE state = 'present' AND sha256 IN ("
              + Tx.placeholders(chunk.size())
              + ") RETURNING sha256, size",
          rs -> sizes.put(rs.getString(1), rs.getLong(2)),
          args);
    }
    return sizes;
  }

  @Override
  public BlobState touchBlob(String sha256, long now) {
    return db.write(
        tx -> {
          int touched =
              tx.update(
                  "UPDATE blobs SET last_touched = "
                      + db.dialect().greatest("last_touched", "?")
                      + " WHERE sha256 = ? AND state = 'present'",
                  now,
                  sha256);
          if (touched > 0) {
            return BlobState.PRESENT;
          }
          return tx.first("SELECT state FROM blobs WHERE sha256 = ?", rs -> rs.getString(1), sha256)
              .map(s -> s.equals("present") ? BlobState.PRESENT : BlobState.DELETING)
              .orElse(BlobState.ABSENT);
        });
  }

  @Override
  public boolean blobStored(String sha256, long size, long now, long staleBefore) {
    return blobsStored(Map.of(sha256, size), now, staleBefore).isEmpty();
  }

  @Override
  public Set<String> blobsStored(Map<String, Long> sizes, long now, long staleBefore) {
    if (sizes.isEmpty()) {
      return Set.of();
    }
    // Sorted, so that concurrent writers lock shared rows in the same order.
    List<String> digests = new ArrayList<>(new TreeSet<>(sizes.keySet()));
    return db.write(
        tx -> {
          // One upsert per row (not a JDBC batch, whose counts drivers may leave unknown). It locks
          // an existing row and decides on its latest version, so a pass claiming the row at the
          // same time either comes first (and the row stays its own, unless stale) or finds it
          // touched now.
          Set<String> refused = new TreeSet<>();
          for (String sha256 : digests) {
            int n =
                tx.update(
                    "INSERT INTO blobs (sha256, size, state, last_touched)"
                        + " VALUES (?, ?, 'present', ?)"
                        + " ON CONFLICT (sha256) DO UPDATE SET size = excluded.size,"
                        + " state = 'present', last_touched = "
                        + db.dialect().greatest("blobs.last_touched", "excluded.last_touched")
                        + " WHERE blobs.state = 'present' OR blobs.last_touched < ?",
                    sha256,
                    sizes.get(sha256),
                    now,
                    staleBefore);
            if (n == 0) {
              refused.add(sha256);
            }
          }
          return refused;
        });
  }

  /**
   * Claims blobs for deletion in two steps inside one write transaction.
   *
   * <p>On SQLite the write lock serialises this with every commit, so the steps are atomic.
   *
   * <p>On PostgreSQL (READ COMMITTED) a single {@code UPDATE ... WHERE NOT EXISTS (file rows)}
   * would not be safe: when it waits for a row a commit is touching, it re-checks its condition on
   * the row's new version once that commit ends, but the {@code NOT EXISTS} sub-query keeps the
   * statement's old snapshot, in which the commit's file rows are invisible. Only the {@code
   * last_touched < cutoff} test would then protect the blob, and a pass with no grace period (the
   * one after a delete) has a cutoff later than the commit's touch. Hence:
   *
   * <ol>
   *   <li>{@code SELECT ... FOR UPDATE SKIP LOCKED} locks the claimable rows, skipping any that a
   *       running commit (or upload, or ask) holds: those are being touched and must not be taken.
   *   <li>{@code UPDATE ... RETURNING} flips the locked rows to {@code deleting}, re-checking every
   *       condition in a new snapshot taken after all the locks were granted. Every transaction
   *       that touched one of these rows has ended by then, so its file rows are visible and {@code
   *       NOT EXISTS} sees them; a commit that comes later waits for this transaction, then finds
   *       the row {@code deleting} (not present) and fails naming the file, to be uploaded again.
   * </ol>
   *
   * A file row is only ever inserted for a blob row its transaction touched while present, so no
   * file can come to reference a row once it is claimed. Neither step waits for a lock, so a pass
   * never blocks or deadlocks a commit. Rows left {@code deleting} are taken over only once older
   * than {@link #DEAD_PASS_MILLIS} as well as the cutoff.
   */
  @Override
  public Map<String, Long> claimUnreferencedBlobs(
      long cutoff, Collection<String> candidates, int limit, long now) {
    long deadBefore = Math.min(cutoff, now - DEAD_PASS_MILLIS);
    return db.write(
        tx -> {
          Map<String, Long> claimed = new LinkedHashMap<>();
          if (candidates == null) {
            claim(tx, null, cutoff, deadBefore, limit, now, claimed);
          } else {
            List<String> sorted = new ArrayList<>(new TreeSet<>(candidates));
            for (List<String> chunk : DatasetRows.chunks(sorted, CHUNK)) {
              if (claimed.size() >= limit) {
                break;
              }
              claim(tx, chunk, cutoff, deadBefore, limit - claimed.size(), now, claimed);
            }
          }
          return claimed;
        });
  }

  private void claim(
      Tx tx,
      List<String> among,
      long cutoff,
      long deadBefore,
      int limit,
      long now,
      Map<String, Long> claimed)
      throws SQLException {
    List<Object> args = new ArrayList<>(List.of(cutoff, deadBefore));
    String in = "";
    if (among != null) {
      in = " AND blobs.sha256 IN (" + Tx.placeholders(among.size()) + ")";
      args.addAll(among);
    }
    args.add(limit);
    String lock = db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
    List<String> locked =
        tx.query(
            "SELECT blobs.sha256 FROM blobs WHERE" + CLAIMABLE + in + " LIMIT ?" + lock,
            rs -> rs.getString(1),
            args.toArray());
    for (List<String> chunk : DatasetRows.chunks(locked, CHUNK)) {
      Object[] update = new Object[chunk.size() + 3];
      update[0] = now;
      for (int i = 0; i < chunk.size(); i++) {
        update[i + 1] = chunk.get(i);
      }
      update[chunk.size() + 1] = cutoff;
      update[chunk.size() + 2] = deadBefore;
      tx.query(
          "UPDATE blobs SET state = 'deleting', last_touched = ? WHERE blobs.sha256 IN ("
              + Tx.placeholders(chunk.size())
              + ") AND"
              + CLAIMABLE
              + " RETURNING sha256, size",
          rs -> claimed.put(rs.getString(1), rs.getLong(2)),
          update);
    }
  }

  @Override
  public void forgetBlob(String sha256) {
    db.write(
        tx -> {
          if (tx.update("DELETE FROM blobs WHERE sha256 = ? AND state = 'deleting'", sha256) > 0) {
            tx.update("DELETE FROM blob_profiles WHERE sha256 = ?", sha256);
          }
          return null;
        });
  }

  @Override
  public Map<String, Long> blobSizes(Collection<String> sha256s) {
    Map<String, Long> sizes = new HashMap<>();
    db.read(
        tx ->
            forEachDigest(
                tx,
                "SELECT sha256, size FROM blobs WHERE state = 'present' AND sha256 IN",
                sha256s,
                rs -> sizes.put(rs.getString(1), rs.getLong(2))));
    return sizes;
  }

  /**
   * Runs {@code sqlBeforeList (?, ?, ...)} over the digests in sha256 order, a chunk at a time,
   * handing every row to {@code handler}.
   */
  private static Void forEachDigest(
      Tx tx, String sqlBeforeList, Collection<String> sha256s, Tx.RowHandler handler)
      throws SQLException {
    for (List<String> chunk : DatasetRows.chunks(new ArrayList<>(new TreeSet<>(sha256s)), CHUNK)) {
      tx.forEach(
          sqlBeforeList + " (" + Tx.placeholders(chunk.size()) + ")", handler, chunk.toArray());
    }
    return null;
  }

  // Table profiles

  @Override
  public Map<String, TableProfile> profiles(Collection<String> sha256s) {
    Map<String, TableProfile> out = new HashMap<>();
    db.read(
        tx ->
            forEachDigest(
                tx,
                "SELECT sha256, profile FROM blob_profiles WHERE sha256 IN",
                sha256s,
                rs -> out.put(rs.getString(1), fromJson(rs.getString(2), TableProfile.class))));
    return out;
  }

  @Override
  public void saveProfile(String sha256, TableProfile profile) {
    String json = toJson(profile);
    db.write(
        tx ->
            tx.update(
                "INSERT INTO blob_profiles (sha256, profile) VALUES (?, ?)"
                    + " ON CONFLICT (sha256) DO UPDATE SET profile = excluded.profile",
                sha256,
                json));
  }

  // JSON

  private static String toJson(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "Cannot store a dataset's JSON value", e);
    }
  }

  private static <T> T fromJson(String json, TypeReference<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "A stored dataset value is unreadable", e);
    }
  }

  private static <T> T fromJson(String json, Class<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new CairnException(ErrorCode.INTERNAL_ERROR, "A stored table profile is unreadable", e);
    }
  }
}
