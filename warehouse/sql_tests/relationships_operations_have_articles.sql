-- operations.operation_id: every operation is named by at least one article
SELECT o.operation_id, o.name
FROM operations AS o
ANTI JOIN operation_articles AS l USING (operation_id)
