-- Operations linked to articles, with how many operations each article names
-- (figures of an article that names two operations are attributed to both).
CREATE OR REPLACE VIEW int_operation_articles AS
WITH links AS (SELECT DISTINCT operation_id, article_id FROM stg_operation_articles)
SELECT
    l.operation_id,
    o.name AS operation,
    l.article_id,
    count(*) OVER (PARTITION BY l.article_id) AS n_operations_in_article
FROM links AS l
JOIN stg_operations AS o USING (operation_id);

COMMENT ON VIEW int_operation_articles IS 'One row per (operation, article) link, with the operation name.';
COMMENT ON COLUMN int_operation_articles.operation_id IS 'Operation named';
COMMENT ON COLUMN int_operation_articles.operation IS 'Canonical operation name';
COMMENT ON COLUMN int_operation_articles.article_id IS 'Article that names it';
COMMENT ON COLUMN int_operation_articles.n_operations_in_article IS 'Operations the article names (its figures count for each)';
