-- What each run quarantined, per table and check.
CREATE OR REPLACE VIEW quarantine_summary AS
SELECT run_id, table_name, expectation, count(*) AS n_rows, count(DISTINCT row_key) AS n_keys,
       any_value(reason) AS example_reason
FROM stg_quarantine
GROUP BY run_id, table_name, expectation;

COMMENT ON VIEW quarantine_summary IS 'One row per run, table and failed check.';
COMMENT ON COLUMN quarantine_summary.run_id IS 'Run';
COMMENT ON COLUMN quarantine_summary.table_name IS 'articles, entities, figures or documents';
COMMENT ON COLUMN quarantine_summary.expectation IS 'Check name, or error code for documents';
COMMENT ON COLUMN quarantine_summary.n_rows IS 'Quarantine rows';
COMMENT ON COLUMN quarantine_summary.n_keys IS 'Distinct rows (keys) quarantined';
COMMENT ON COLUMN quarantine_summary.example_reason IS 'One of the reasons given';
