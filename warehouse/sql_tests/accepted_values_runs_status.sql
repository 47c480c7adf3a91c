-- runs.status: ok, quarantined, failed, running or data_tests_failed
SELECT run_id, status
FROM runs
WHERE status NOT IN {{ run_statuses }}
