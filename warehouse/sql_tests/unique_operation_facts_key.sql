-- operation_facts: one row per operation, role, scope and unit
SELECT operation_id, role, scope_code, unit, count(*) AS n_rows
FROM operation_facts
GROUP BY operation_id, role, scope_code, unit
HAVING count(*) > 1
