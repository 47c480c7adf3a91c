-- figures.article_id: every figure belongs to a loaded article
SELECT f.figure_id, f.article_id
FROM figures AS f
ANTI JOIN articles AS a USING (article_id)
