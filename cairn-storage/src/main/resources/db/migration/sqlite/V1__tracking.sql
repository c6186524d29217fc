-- Cairn tracking schema, SQLite. Every experiment belongs to a workspace; runs, logged models and
-- datasets belong to experiments. Names and numbers are made unique by the database itself.
CREATE TABLE workspaces (
  name          TEXT PRIMARY KEY,
  description   TEXT,
  creation_time INTEGER NOT NULL
);
INSERT INTO workspaces (name, description, creation_time)
VALUES ('default', 'The default workspace', CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE experiments (
  experiment_id     INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace         TEXT NOT NULL REFERENCES workspaces (name),
  name              TEXT NOT NULL,
  artifact_location TEXT,
  lifecycle_stage   TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  creation_time     INTEGER NOT NULL,
  last_update_time  INTEGER NOT NULL,
  UNIQUE (workspace, name)
);
INSERT INTO experiments (experiment_id, workspace, name, artifact_location, lifecycle_stage,
                         creation_time, last_update_time)
VALUES (0, 'default', 'Default', 'mlflow-artifacts:/0', 'active',
        CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE experiment_tags (
  experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id) ON DELETE CASCADE,
  key           TEXT NOT NULL,
  value         TEXT NOT NULL,
  PRIMARY KEY (experiment_id, key)
);

CREATE TABLE runs (
  run_uuid        TEXT PRIMARY KEY,
  experiment_id   INTEGER NOT NULL REFERENCES experiments (experiment_id),
  name            TEXT,
  user_id         TEXT,
  status          TEXT NOT NULL,
  start_time      INTEGER,
  end_time        INTEGER,
  deleted_time    INTEGER,
  lifecycle_stage TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted')),
  artifact_uri    TEXT
);
CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time DESC, run_uuid);

CREATE TABLE params (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX params_by_key ON params (key, value);

CREATE TABLE tags (
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key ON tags (key, value);

-- Every point ever logged. NaN is stored as 0 with is_nan set, as MLflow does.
CREATE TABLE metrics (
  run_uuid  TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL NOT NULL,
  is_nan    INTEGER NOT NULL,
  PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;

-- Per run and key: the latest point (highest step, then timestamp, then value) and the extremes,
-- kept at ingest so search can filter and order on them without reading the history.
CREATE TABLE latest_metrics (
  run_uuid  TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  key       TEXT NOT NULL,
  value     REAL NOT NULL,
  timestamp INTEGER NOT NULL,
  step      INTEGER NOT NULL,
  is_nan    INTEGER NOT NULL,
  min_value REAL,
  max_value REAL,
  PRIMARY KEY (run_uuid, key)
) WITHOUT ROWID;
CREATE INDEX latest_metrics_by_key ON latest_metrics (key, value);

CREATE TABLE datasets (
  dataset_uuid  TEXT PRIMARY KEY,
  experiment_id INTEGER NOT NULL REFERENCES experiments (experiment_id),
  name          TEXT NOT NULL,
  digest        TEXT NOT NULL,
  source_type   TEXT NOT NULL,
  source        TEXT NOT NULL,
  schema        TEXT,
  profile       TEXT,
  UNIQUE (experiment_id, name, digest)
);

CREATE TABLE run_dataset_inputs (
  run_uuid     TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  dataset_uuid TEXT NOT NULL REFERENCES datasets (dataset_uuid),
  position     INTEGER NOT NULL,
  PRIMARY KEY (run_uuid, dataset_uuid)
);
CREATE INDEX run_dataset_inputs_by_dataset ON run_dataset_inputs (dataset_uuid);

CREATE TABLE run_dataset_input_tags (
  run_uuid     TEXT NOT NULL,
  dataset_uuid TEXT NOT NULL,
  key          TEXT NOT NULL,
  value        TEXT NOT NULL,
  PRIMARY KEY (run_uuid, dataset_uuid, key),
  FOREIGN KEY (run_uuid, dataset_uuid) REFERENCES run_dataset_inputs (run_uuid, dataset_uuid)
    ON DELETE CASCADE
);

CREATE TABLE logged_models (
  model_id                  TEXT PRIMARY KEY,
  experiment_id             INTEGER NOT NULL REFERENCES experiments (experiment_id),
  name                      TEXT NOT NULL,
  artifact_location         TEXT NOT NULL,
  creation_timestamp_ms     INTEGER NOT NULL,
  last_updated_timestamp_ms INTEGER NOT NULL,
  status                    TEXT NOT NULL,
  status_message            TEXT,
  model_type                TEXT,
  source_run_id             TEXT,
  lifecycle_stage           TEXT NOT NULL CHECK (lifecycle_stage IN ('active', 'deleted'))
);
CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp_ms);

CREATE TABLE logged_model_tags (
  model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);

CREATE TABLE logged_model_params (
  model_id TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (model_id, key)
);

CREATE TABLE logged_model_metrics (
  model_id       TEXT NOT NULL REFERENCES logged_models (model_id) ON DELETE CASCADE,
  key            TEXT NOT NULL,
  step           INTEGER NOT NULL,
  timestamp      INTEGER NOT NULL,
  value          REAL NOT NULL,
  is_nan         INTEGER NOT NULL,
  run_uuid       TEXT NOT NULL,
  dataset_name   TEXT NOT NULL,
  dataset_digest TEXT NOT NULL,
  PRIMARY KEY (model_id, key, step, timestamp, run_uuid, dataset_name, dataset_digest)
);

-- Models a run used, and models a run produced (MLflow 3 inputs and outputs).
CREATE TABLE run_model_inputs (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  model_id TEXT NOT NULL
);
CREATE INDEX run_model_inputs_by_run ON run_model_inputs (run_uuid);

CREATE TABLE run_model_outputs (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  run_uuid TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
  model_id TEXT NOT NULL,
  step     INTEGER NOT NULL
);
CREATE INDEX run_model_outputs_by_run ON run_model_outputs (run_uuid);
