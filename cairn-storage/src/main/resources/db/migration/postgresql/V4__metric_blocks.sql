-- The lowest and highest point of every block of 2^level steps of each run's metric, kept at ingest
-- for levels 6, 9, 12 and 15, so get-history-bulk-interval reads a few thousand block rows instead of
-- the whole history. NaN points count in `points` but are never a block's low or high point.
CREATE TABLE metric_blocks (
  run_uuid       TEXT NOT NULL,
  key            TEXT NOT NULL,
  level          INTEGER NOT NULL,
  block          BIGINT NOT NULL,
  points         BIGINT NOT NULL,
  low_step       BIGINT,
  low_timestamp  BIGINT,
  low_value      DOUBLE PRECISION,
  high_step      BIGINT,
  high_timestamp BIGINT,
  high_value     DOUBLE PRECISION,
  PRIMARY KEY (run_uuid, key, level, block)
);

-- TRUE when metric_blocks holds every point of this run and key: keys first logged before this
-- migration keep FALSE and are downsampled from their full history.
ALTER TABLE latest_metrics ADD COLUMN blocked BOOLEAN NOT NULL DEFAULT FALSE;

-- Metric points lose their per-row foreign key to runs: checking it cost 15 % of SQLite's and 25 % of
-- PostgreSQL's ingest, and every write path checks the run once per batch instead (runs are never
-- deleted from the database; a future purge must delete their points and blocks itself).
ALTER TABLE metrics DROP CONSTRAINT IF EXISTS metrics_run_uuid_fkey;
