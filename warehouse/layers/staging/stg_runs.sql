-- Staging: the runs table, one row per pipeline run.
CREATE OR REPLACE VIEW stg_runs AS
SELECT run_id, started_at, finished_at, n_sources, n_articles_loaded, n_skipped,
       n_quarantined, status, report_path, fingerprint
FROM runs;

COMMENT ON VIEW stg_runs IS 'Staging: one row per pipeline run (1:1 with runs).';
COMMENT ON COLUMN stg_runs.run_id IS 'Run id (run-<UTC timestamp>)';
COMMENT ON COLUMN stg_runs.started_at IS 'Start (UTC)';
COMMENT ON COLUMN stg_runs.finished_at IS 'End of the load (UTC)';
COMMENT ON COLUMN stg_runs.n_sources IS 'Sources given to the run';
COMMENT ON COLUMN stg_runs.n_articles_loaded IS 'Articles of the run now in the warehouse (new plus already present)';
COMMENT ON COLUMN stg_runs.n_skipped IS 'Sources skipped because their content was already loaded';
COMMENT ON COLUMN stg_runs.n_quarantined IS 'Distinct rows it quarantined';
COMMENT ON COLUMN stg_runs.status IS 'ok, quarantined, data_tests_failed, failed, or running (until the last batch of the run is loaded)';
COMMENT ON COLUMN stg_runs.report_path IS 'Its HTML run report';
COMMENT ON COLUMN stg_runs.fingerprint IS 'Extraction fingerprint: settings, code, model files and gazetteers that produced the rows (NULL before migration 004)';
