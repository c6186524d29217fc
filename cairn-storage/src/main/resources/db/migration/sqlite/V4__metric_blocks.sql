-- The lowest and highest point of every block of 2^level steps of each run's metric, kept at ingest
-- for levels 6, 9, 12 and 15, so get-history-bulk-interval reads a few thousand block rows instead of
-- the whole history. NaN points count in `points` but are never a block's low or high point.
CREATE TABLE metric_blocks (
  run_uuid       TEXT NOT NULL REFERENCES runs (run_uuid) ON DELETE CASCADE,
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
