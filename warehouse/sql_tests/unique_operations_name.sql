-- operations.name: one operation per canonical name
SELECT name, count(*) AS n_rows, list(operation_id ORDER BY operation_id) AS operation_ids
FROM operations
GROUP BY name
HAVING count(*) > 1
