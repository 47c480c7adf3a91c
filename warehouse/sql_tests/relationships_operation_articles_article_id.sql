-- operation_articles.article_id: every operation link points to a loaded article
SELECT l.operation_id, l.article_id, l.surface
FROM operation_articles AS l
ANTI JOIN articles AS a USING (article_id)
