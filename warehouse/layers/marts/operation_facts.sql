-- Each operation's figures per role and scope, every source side by side: conflicting
-- reports (180 vs 184 arrests) stay visible instead of being summed. A figure repeated
-- within one article counts once per article (n_mentions keeps the repeats).
-- `conflicting` means that sources disagree: each article's figure for an operation,
-- role and scope is its largest value (a total and its parts in one article are not a
-- conflict), and the flag is raised when two articles' figures differ.
CREATE OR REPLACE VIEW operation_facts AS
WITH grouped AS (
    SELECT operation_id, operation, role, scope_code, unit, article_id, source, outlet,
           published, value, qualifier, redacted, display,
           min(figure_text) AS figure_text, count(*) AS n_mentions
    FROM operation_figures
    GROUP BY ALL
), per_article AS (
    SELECT *, max(value) OVER (
        PARTITION BY operation_id, role, scope_code, unit, article_id
    ) AS article_value
    FROM grouped
)
SELECT
    operation_id,
    operation,
    role,
    scope_code,
    unit,
    count(DISTINCT article_id) AS n_articles,
    sum(n_mentions)::INTEGER AS n_mentions,
    min(value) AS min_value,
    max(value) AS max_value,
    count(DISTINCT value) AS n_distinct_values,
    count(DISTINCT article_value) > 1 AS conflicting,
    string_agg(outlet || ': ' || display, ' | ' ORDER BY published NULLS LAST, outlet, display)
        AS by_source,
    list({
        'source': source, 'outlet': outlet, 'published': published, 'value': value,
        'qualifier': qualifier, 'redacted': redacted, 'text': figure_text,
        'article_id': article_id, 'n_mentions': n_mentions
    } ORDER BY published NULLS LAST, outlet, display) AS reports
FROM per_article
GROUP BY operation_id, operation, role, scope_code, unit;

COMMENT ON VIEW operation_facts IS 'One row per operation, role, scope and unit, with every source''s number side by side.';
COMMENT ON COLUMN operation_facts.operation_id IS 'Operation';
COMMENT ON COLUMN operation_facts.operation IS 'Canonical operation name';
COMMENT ON COLUMN operation_facts.role IS 'What the numbers count';
COMMENT ON COLUMN operation_facts.scope_code IS 'ISO2 code of the country the figures are about; NULL when unscoped';
COMMENT ON COLUMN operation_facts.unit IS 'Unit; NULL for counts';
COMMENT ON COLUMN operation_facts.n_articles IS 'Articles that report a figure';
COMMENT ON COLUMN operation_facts.n_mentions IS 'Figures, repeats within an article included';
COMMENT ON COLUMN operation_facts.min_value IS 'Smallest value reported';
COMMENT ON COLUMN operation_facts.max_value IS 'Largest value reported';
COMMENT ON COLUMN operation_facts.n_distinct_values IS 'Distinct values reported';
COMMENT ON COLUMN operation_facts.conflicting IS 'True when two articles'' figures (each article''s largest) differ';
COMMENT ON COLUMN operation_facts.by_source IS 'outlet: display for each report, oldest first';
COMMENT ON COLUMN operation_facts.reports IS 'Each report as a struct: source, outlet, published, value, qualifier, redacted, text, article_id, n_mentions';
