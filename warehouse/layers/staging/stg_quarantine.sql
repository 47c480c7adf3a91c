-- Staging: the quarantine table, one row per failing row and check.
CREATE OR REPLACE VIEW stg_quarantine AS
SELECT run_id, table_name, row_key, expectation, reason, row_json, created_at
FROM quarantine;

COMMENT ON VIEW stg_quarantine IS 'Staging: one row per quarantined row and failed check (1:1 with quarantine).';
COMMENT ON COLUMN stg_quarantine.run_id IS 'Run that quarantined it';
COMMENT ON COLUMN stg_quarantine.table_name IS 'articles, entities, figures or documents';
COMMENT ON COLUMN stg_quarantine.row_key IS 'Key of the row (article, entity or figure id, or source)';
COMMENT ON COLUMN stg_quarantine.expectation IS 'Check name, or error code for documents';
COMMENT ON COLUMN stg_quarantine.reason IS 'Why it failed';
COMMENT ON COLUMN stg_quarantine.row_json IS 'The row as JSON';
COMMENT ON COLUMN stg_quarantine.created_at IS 'When it was quarantined (UTC)';
