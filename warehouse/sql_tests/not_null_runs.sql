-- runs: every run has its start, end and status
SELECT run_id, started_at, finished_at, status
FROM runs
WHERE started_at IS NULL OR finished_at IS NULL OR status IS NULL
