-- quarantine.run_id: every quarantined row belongs to a recorded run
SELECT q.run_id, q.table_name, q.row_key
FROM quarantine AS q
ANTI JOIN runs AS r USING (run_id)
