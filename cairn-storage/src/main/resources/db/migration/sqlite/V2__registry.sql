-- The model registry. Names are unique per workspace; each model counts its own versions
-- (last_version), incremented in the same transaction that inserts the version, so numbers are
-- 1..N with no duplicate even when several servers share the database.
CREATE TABLE registered_models (
  model_key              INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace              TEXT NOT NULL REFERENCES workspaces (name),
  name                   TEXT NOT NULL,
  creation_timestamp     INTEGER NOT NULL,
  last_updated_timestamp INTEGER NOT NULL,
  description            TEXT,
  user_id                TEXT,
  last_version           INTEGER NOT NULL DEFAULT 0,
  UNIQUE (workspace, name)
);

CREATE TABLE registered_model_tags (
  model_key INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  value     TEXT NOT NULL,
  PRIMARY KEY (model_key, key)
);

CREATE TABLE model_versions (
  mv_id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  model_key              INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  version                INTEGER NOT NULL,
  creation_timestamp     INTEGER NOT NULL,
  last_updated_timestamp INTEGER NOT NULL,
  user_id                TEXT,
  current_stage          TEXT NOT NULL,
  description            TEXT,
  source                 TEXT NOT NULL,
  storage_location       TEXT NOT NULL,
  run_id                 TEXT,
  run_link               TEXT,
  model_id               TEXT,
  status                 TEXT NOT NULL,
  status_message         TEXT,
  UNIQUE (model_key, version)
);
CREATE INDEX model_versions_by_run ON model_versions (run_id);

CREATE TABLE model_version_tags (
  mv_id INTEGER NOT NULL REFERENCES model_versions (mv_id) ON DELETE CASCADE,
  key   TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (mv_id, key)
);

CREATE TABLE registered_model_aliases (
  model_key INTEGER NOT NULL REFERENCES registered_models (model_key) ON DELETE CASCADE,
  alias     TEXT NOT NULL,
  mv_id     INTEGER NOT NULL REFERENCES model_versions (mv_id) ON DELETE CASCADE,
  PRIMARY KEY (model_key, alias)
);

-- What inspection found in each ONNX file of a version (signature, opsets, producer, sizes), as JSON.
CREATE TABLE model_version_onnx (
  mv_id       INTEGER NOT NULL REFERENCES model_versions (mv_id) ON DELETE CASCADE,
  path        TEXT NOT NULL,
  description TEXT NOT NULL,
  PRIMARY KEY (mv_id, path)
);
