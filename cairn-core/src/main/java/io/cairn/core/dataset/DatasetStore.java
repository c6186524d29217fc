package io.cairn.core.dataset;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where datasets, their versions, the blob index and table profiles are kept, per workspace.
 * Thread-safe; each method is one transaction. Dataset names are unique per workspace; version
 * numbers are assigned by the database (1, 2, 3... per dataset, never reused), so several servers
 * may share one store. Errors: RESOURCE_ALREADY_EXISTS for a taken name, RESOURCE_DOES_NOT_EXIST
 * for a missing dataset or version.
 *
 * <p>Blobs (file contents, named by sha256) are shared by every dataset. Each has a row that is
 * {@code present} or, while a garbage-collection pass removes it, {@code deleting}, and the time it
 * was last touched (uploaded, asked for, or committed in a version). A pass only claims blobs that
 * no version references and that were not touched since its cutoff; a version's files reference
 * their blob rows, so the database refuses to forget a referenced blob.
 */
public interface DatasetStore {
  void createDataset(String workspace, String name, DatasetInfo info, long now);

  Optional<Dataset> getDataset(String workspace, String name);

  void updateDataset(String workspace, String name, DatasetInfo info, long now);

  /**
   * Datasets by name; {@code nameLike} is a SQL LIKE pattern (escape: backslash) or null for all.
   */
  List<Dataset> listDatasets(String workspace, String nameLike, int limit, long offset);

  /** Deletes a dataset with all its versions; returns the sha256 digests they referenced. */
  Set<String> deleteDataset(String workspace, String name);

  /**
   * Records the next version of a dataset and returns its number. In the same transaction: every
   * file's blob must be present with the file's size (each is touched), the tags move to the new
   * version, and the dataset's latest version advances. Missing blobs are RESOURCE_DOES_NOT_EXIST
   * naming them.
   */
  long createVersion(
      String workspace, String name, NewDatasetVersion version, String digest, long now);

  Optional<DatasetVersion> getVersion(String workspace, String name, long version);

  /** The version a tag names, if the tag exists. */
  Optional<Long> versionOfTag(String workspace, String name, String tag);

  /** Versions, newest first. */
  List<DatasetVersion> listVersions(String workspace, String name, int limit, long offset);

  /** A version's files, sorted by path. */
  List<DatasetFile> files(String workspace, String name, long version);

  /** One file of a version, found by its path through an index. */
  Optional<DatasetFile> file(String workspace, String name, long version, String path);

  void setTag(String workspace, String name, String tag, long version, long now);

  boolean deleteTag(String workspace, String name, String tag);

  VersionUsage usage(String workspace, String name, long version);

  void deprecate(String workspace, String name, long version, long now);

  /** Deletes a version with its files and tags; returns the sha256 digests it referenced. */
  Set<String> deleteVersion(String workspace, String name, long version);

  /**
   * Deletes a version as {@link #deleteVersion} does, but only if no run links it, decided in the
   * same transaction as the delete (a run linking it at that moment either is seen or waits); empty
   * when a run uses it.
   */
  Optional<Set<String>> deleteVersionIfUnused(String workspace, String name, long version);

  /** The dataset versions a run logged as inputs, as "name" and version with the context. */
  List<RunInput> runInputs(String runId);

  /** A dataset version used by a run. */
  record RunInput(String dataset, long version, String context) {}

  // Blobs

  /** The digests among these that are not stored; the stored ones are touched. */
  Set<String> missingBlobs(Collection<String> sha256s, long now);

  /** Touches a blob and tells its state. */
  BlobState touchBlob(String sha256, long now);

  /**
   * Records a blob just written to the blob store; false when a garbage-collection pass is deleting
   * it (the caller must not report it stored). A row left {@code deleting} for longer than {@code
   * staleBefore} (a pass that died) is taken over.
   */
  boolean blobStored(String sha256, long size, long now, long staleBefore);

  /**
   * {@link #blobStored} for many blobs in one transaction; returns the digests refused because a
   * garbage-collection pass is deleting them.
   */
  Set<String> blobsStored(Map<String, Long> sizes, long now, long staleBefore);

  /**
   * Claims up to {@code limit} blobs for deletion: those no version references, not touched since
   * {@code cutoff}, among {@code candidates} (or all when null), plus rows a dead pass left {@code
   * deleting} before {@code cutoff}. Returns each claimed digest with its size.
   */
  Map<String, Long> claimUnreferencedBlobs(
      long cutoff, Collection<String> candidates, int limit, long now);

  /** Removes a claimed blob's row. */
  void forgetBlob(String sha256);

  /** The stored size of each present blob among these. */
  Map<String, Long> blobSizes(Collection<String> sha256s);

  // Table profiles, per content

  Map<String, TableProfile> profiles(Collection<String> sha256s);

  void saveProfile(String sha256, TableProfile profile);

  /** A blob's state in the index. */
  enum BlobState {
    ABSENT,
    PRESENT,
    DELETING
  }
}
