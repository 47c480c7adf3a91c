-- One row per article: provenance plus what was extracted from it.
CREATE OR REPLACE VIEW article_summary AS
WITH ent AS (
    SELECT
        article_id,
        count(*) AS n_entities,
        list(DISTINCT code ORDER BY code) FILTER (WHERE kind = 'country' AND code IS NOT NULL)
            AS countries,
        list(DISTINCT canonical ORDER BY canonical) FILTER (WHERE kind = 'agency') AS agencies
    FROM stg_entities GROUP BY article_id
), fig AS (
    SELECT article_id, count(*) AS n_figures,
           count(*) FILTER (WHERE redacted) AS n_redacted
    FROM stg_figures GROUP BY article_id
), ops AS (
    SELECT article_id, list(DISTINCT operation ORDER BY operation) AS operations
    FROM int_operation_articles GROUP BY article_id
)
SELECT
    a.article_id, a.source, a.sitename, a.title, a.published, a.n_chars, a.first_seen,
    a.run_id,
    coalesce(ent.n_entities, 0) AS n_entities,
    coalesce(fig.n_figures, 0) AS n_figures,
    coalesce(fig.n_redacted, 0) AS n_redacted,
    coalesce(ops.operations, []) AS operations,
    coalesce(ent.countries, []) AS countries,
    coalesce(ent.agencies, []) AS agencies
FROM stg_articles AS a
LEFT JOIN ent USING (article_id)
LEFT JOIN fig USING (article_id)
LEFT JOIN ops USING (article_id);

COMMENT ON VIEW article_summary IS 'One row per article: provenance and counts of what was extracted.';
COMMENT ON COLUMN article_summary.article_id IS 'Article';
COMMENT ON COLUMN article_summary.source IS 'Path or URL as given';
COMMENT ON COLUMN article_summary.sitename IS 'Publishing site, when known';
COMMENT ON COLUMN article_summary.title IS 'Title';
COMMENT ON COLUMN article_summary.published IS 'Publication date';
COMMENT ON COLUMN article_summary.n_chars IS 'Characters in the cleaned text';
COMMENT ON COLUMN article_summary.first_seen IS 'When the pipeline first read it (UTC)';
COMMENT ON COLUMN article_summary.run_id IS 'Run that loaded it';
COMMENT ON COLUMN article_summary.n_entities IS 'Entity mentions';
COMMENT ON COLUMN article_summary.n_figures IS 'Figures';
COMMENT ON COLUMN article_summary.n_redacted IS 'Redacted figures';
COMMENT ON COLUMN article_summary.operations IS 'Operations it names';
COMMENT ON COLUMN article_summary.countries IS 'ISO2 codes of the countries it mentions';
COMMENT ON COLUMN article_summary.agencies IS 'Canonical names of the agencies it mentions';
