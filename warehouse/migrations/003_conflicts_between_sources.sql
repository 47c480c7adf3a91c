-- 003: `conflicting` in operation_facts means that sources disagree.
-- Each article's figure for an operation, role and scope is its largest value (a total
-- and its parts in one article are not a conflict); the flag is raised when two
-- articles' figures differ. Same columns as in 002.
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
