-- The lowest and highest point of every block of 2^level steps of each run's metric, kept at ingest
-- for levels 6, 9, 12 and 15, so get-history-bulk-interval reads a few thousand block rows instead of
-- the whole history. NaN points count in `points` but are never a block's low or high point.
CREATE TABLE metric_blocks (
  run_uuid       TEXT NOT NULL,
  key            TEXT NOT NULL,
  level          INTEGER NOT NULL,
  block          INTEGER NOT NULL,
  points         INTEGER NOT NULL,
  low_step       INTEGER,
  low_timestamp  INTEGER,
  low_value      REAL,
  high_step      INTEGER,
  high_timestamp INTEGER,
  high_value     REAL,
  PRIMARY KEY (run_uuid, key, level, block)
) WITHOUT ROWID;

-- 1 when metric_blocks holds every point of this run and key: keys first logged before this
-- migration keep 0 and are downsampled from their full history.
ALTER TABLE latest_metrics ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;

-- Metric points lose their per-row foreign key to runs: checking it cost 15 % of SQLite's and 25 % of
-- PostgreSQL's ingest, and every write path checks the run once per batch instead (runs are never
-- deleted from the database; a future purge must delete their points and blocks itself).
CREATE TABLE metrics_unchecked (
  run_uuid  TEXT NOT NULL,
  key       TEXT NOT NULL,
  step      INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value     REAL NOT NULL,
  is_nan    INTEGER NOT NULL,
  PRIMARY KEY (run_uuid, key, step, timestamp, value, is_nan)
) WITHOUT ROWID;
INSERT INTO metrics_unchecked SELECT run_uuid, key, step, timestamp, value, is_nan FROM metrics;
DROP TABLE metrics;
ALTER TABLE metrics_unchecked RENAME TO metrics;
