-- Per run and key: its lowest step, and whether its steps are exactly min_step..step (the latest,
-- highest step) with one point each, kept at ingest. get-history-bulk-interval then chooses MLflow's
-- evenly spaced steps by arithmetic instead of reading every step. Keys logged before this migration
-- keep dense = FALSE (their steps are read).
ALTER TABLE latest_metrics ADD COLUMN min_step BIGINT;
ALTER TABLE latest_metrics ADD COLUMN dense BOOLEAN NOT NULL DEFAULT FALSE;
