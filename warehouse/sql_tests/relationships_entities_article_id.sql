-- entities.article_id: every entity belongs to a loaded article
SELECT e.entity_id, e.article_id
FROM entities AS e
ANTI JOIN articles AS a USING (article_id)
