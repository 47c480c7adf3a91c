-- articles.run_id: every article was loaded by a recorded run
SELECT a.article_id, a.run_id
FROM articles AS a
ANTI JOIN runs AS r USING (run_id)
