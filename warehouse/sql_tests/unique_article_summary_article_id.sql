-- article_summary.article_id: one row per article (its joins do not fan out)
SELECT article_id, count(*) AS n_rows
FROM article_summary
GROUP BY article_id
HAVING count(*) > 1
