-- Staging: the operation_articles table, one row per way an article names an operation.
-- (Until the layers, stg_operation_articles joined operations: that is now
-- int_operation_articles.)
CREATE OR REPLACE VIEW stg_operation_articles AS
SELECT operation_id, article_id, surface
FROM operation_articles;

COMMENT ON VIEW stg_operation_articles IS 'Staging: operation x article x surface form (1:1 with operation_articles).';
COMMENT ON COLUMN stg_operation_articles.operation_id IS 'Operation named';
COMMENT ON COLUMN stg_operation_articles.article_id IS 'Article that names it';
COMMENT ON COLUMN stg_operation_articles.surface IS 'The name as written in the article';
