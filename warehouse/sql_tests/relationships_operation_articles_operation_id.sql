-- operation_articles.operation_id: every operation link points to a known operation
SELECT l.operation_id, l.article_id, l.surface
FROM operation_articles AS l
ANTI JOIN operations AS o USING (operation_id)
