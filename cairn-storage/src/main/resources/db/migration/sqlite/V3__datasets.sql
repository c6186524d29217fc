-- The Training Data Manager: versioned datasets whose files are content-addressed blobs. Named
-- managed_* to keep them apart from MLflow's logged dataset inputs (datasets, run_dataset_inputs).
-- Names are unique per workspace; each dataset counts its own versions (last_version), incremented
-- in the same transaction that inserts the version, so numbers are 1..N with no duplicate and no
-- gap even when several servers share the database.
CREATE TABLE managed_datasets (
  dataset_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace         TEXT NOT NULL REFERENCES workspaces (name),
  name              TEXT NOT NULL,
  description       TEXT,
  license           TEXT,
  keywords          TEXT,    -- JSON array of strings
  bbox              TEXT,    -- JSON array of 4 or 6 numbers (STAC)
  extent_start      TEXT,    -- RFC 3339
  extent_end        TEXT,    -- RFC 3339
  metadata          TEXT,    -- JSON object
  creation_time     INTEGER NOT NULL,
  last_updated_time INTEGER NOT NULL,
  last_version      INTEGER NOT NULL DEFAULT 0,
  UNIQUE (workspace, name)
);

-- Immutable once written, except for the deprecated flag.
CREATE TABLE managed_dataset_versions (
  dataset_id    INTEGER NOT NULL REFERENCES managed_datasets (dataset_id) ON DELETE CASCADE,
  version       INTEGER NOT NULL,
  message       TEXT,
  author        TEXT,
  parent        INTEGER,
  creation_time INTEGER NOT NULL,
  digest        TEXT NOT NULL,
  file_count    INTEGER NOT NULL,
  total_bytes   INTEGER NOT NULL,
  metadata      TEXT,
  deprecated    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dataset_id, version)
);

-- File contents, by sha256, shared by every dataset. A row is 'present', or 'deleting' while a
-- garbage-collection pass removes the content; last_touched is when it was last uploaded, asked
-- for or committed (or claimed). A pass only claims rows no file references and nobody touched
-- since its cutoff.
CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY,
  size         INTEGER NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('present', 'deleting')),
  last_touched INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX blobs_by_last_touched ON blobs (last_touched);

-- A version's manifest. The reference to blobs has no cascade on purpose: it is what stops a
-- garbage-collection pass from forgetting a blob that some version holds.
CREATE TABLE managed_dataset_files (
  dataset_id INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  path       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  sha256     TEXT NOT NULL REFERENCES blobs (sha256),
  PRIMARY KEY (dataset_id, version, path),
  FOREIGN KEY (dataset_id, version) REFERENCES managed_dataset_versions (dataset_id, version)
    ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX managed_dataset_files_by_sha256 ON managed_dataset_files (sha256);

-- A tag names one version and may move; it goes with the version it names.
CREATE TABLE managed_dataset_tags (
  dataset_id INTEGER NOT NULL,
  tag        TEXT NOT NULL,
  version    INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, tag),
  FOREIGN KEY (dataset_id, version) REFERENCES managed_dataset_versions (dataset_id, version)
    ON DELETE CASCADE
);
CREATE INDEX managed_dataset_tags_by_version ON managed_dataset_tags (dataset_id, version);

-- Schema and statistics of table files, per content (JSON). No reference to blobs: a profile may be
-- computed before its blob's row is written; it is removed when the blob is forgotten.
CREATE TABLE blob_profiles (
  sha256  TEXT PRIMARY KEY,
  profile TEXT NOT NULL
) WITHOUT ROWID;

-- Dataset versions runs logged as inputs, resolved when logged (a tag moving later changes nothing).
CREATE TABLE run_dataset_versions (
  run_uuid   TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  dataset_id INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  context    TEXT,
  PRIMARY KEY (run_uuid, dataset_id, version),
  FOREIGN KEY (dataset_id, version) REFERENCES managed_dataset_versions (dataset_id, version)
    ON DELETE CASCADE
);
CREATE INDEX run_dataset_versions_by_version ON run_dataset_versions (dataset_id, version);
