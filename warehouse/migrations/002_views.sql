-- 002: analyst views, raw tables -> stg_* (joined, typed helpers) -> final views.

-- Figures with their article's provenance and a display string ("~180", ">=50000").
CREATE VIEW stg_figures AS
SELECT
    f.*,
    a.source,
    coalesce(a.sitename, a.source) AS outlet,
    a.title,
    a.published,
    a.url,
    CASE f.qualifier WHEN 'at_least' THEN '>=' WHEN 'at_most' THEN '<=' WHEN 'approx' THEN '~'
        ELSE '' END
    || CASE
        WHEN f.value IS NULL THEN f.text
        WHEN f.value = round(f.value) AND abs(f.value) < 1e15
            THEN CAST(CAST(f.value AS BIGINT) AS VARCHAR)
        ELSE CAST(f.value AS VARCHAR)
    END
    || CASE WHEN f.unit IS NULL THEN '' ELSE ' ' || f.unit END AS display
FROM figures AS f
JOIN articles AS a USING (article_id);

-- Operations linked to articles, with how many operations each article names
-- (figures of an article that names two operations are attributed to both).
CREATE VIEW stg_operation_articles AS
WITH links AS (SELECT DISTINCT operation_id, article_id FROM operation_articles)
SELECT
    l.operation_id,
    o.name AS operation,
    l.article_id,
    count(*) OVER (PARTITION BY l.article_id) AS n_operations_in_article
FROM links AS l
JOIN operations AS o USING (operation_id);

-- One row per (operation, figure): the long form behind operation_facts.
CREATE VIEW operation_figures AS
SELECT
    oa.operation_id,
    oa.operation,
    oa.n_operations_in_article,
    f.figure_id,
    f.article_id,
    f.source,
    f.outlet,
    f.published,
    f.role,
    f.value,
    f.unit,
    f.qualifier,
    f.redacted,
    f.scope_code,
    f.scope_text,
    f.display,
    f.text AS figure_text,
    f.score,
    f.method
FROM stg_operation_articles AS oa
JOIN stg_figures AS f USING (article_id);

-- Each operation's figures per role and scope, every source side by side: conflicting
-- reports (180 vs 184 arrests) stay visible instead of being summed. A figure repeated
-- within one article counts once per article (n_mentions keeps the repeats).
CREATE VIEW operation_facts AS
WITH per_article AS (
    SELECT operation_id, operation, role, scope_code, unit, article_id, source, outlet,
           published, value, qualifier, redacted, display,
           min(figure_text) AS figure_text, count(*) AS n_mentions
    FROM operation_figures
    GROUP BY ALL
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
    count(DISTINCT value) > 1 AS conflicting,
    string_agg(outlet || ': ' || display, ' | ' ORDER BY published NULLS LAST, outlet, display)
        AS by_source,
    list({
        'source': source, 'outlet': outlet, 'published': published, 'value': value,
        'qualifier': qualifier, 'redacted': redacted, 'text': figure_text,
        'article_id': article_id, 'n_mentions': n_mentions
    } ORDER BY published NULLS LAST, outlet, display) AS reports
FROM per_article
GROUP BY operation_id, operation, role, scope_code, unit;

-- Figures scoped to a country, per country, role and unit (role 'other' left out).
-- Values are not summed across articles: several articles usually report one event.
CREATE VIEW figures_by_country AS
WITH scoped AS (
    SELECT * FROM stg_figures WHERE role <> 'other' AND scope_code IS NOT NULL
), ops AS (
    SELECT f.scope_code, f.role, f.unit,
           count(DISTINCT oa.operation_id) AS n_operations,
           string_agg(DISTINCT oa.operation, '; ' ORDER BY oa.operation) AS operations
    FROM scoped AS f
    JOIN stg_operation_articles AS oa USING (article_id)
    GROUP BY f.scope_code, f.role, f.unit
), agg AS (
    SELECT
        scope_code, role, unit,
        count(*) AS n_figures,
        count(DISTINCT article_id) AS n_articles,
        count(value) AS n_with_value,
        count(*) FILTER (WHERE redacted) AS n_redacted,
        min(value) AS min_value,
        median(value) AS median_value,
        max(value) AS max_value
    FROM scoped
    GROUP BY scope_code, role, unit
)
SELECT
    agg.scope_code AS country_code,
    agg.role,
    agg.unit,
    agg.n_figures,
    agg.n_articles,
    agg.n_with_value,
    agg.n_redacted,
    agg.min_value,
    agg.median_value,
    agg.max_value,
    coalesce(ops.n_operations, 0) AS n_operations,
    ops.operations
FROM agg
LEFT JOIN ops
    ON ops.scope_code = agg.scope_code AND ops.role = agg.role
    AND ops.unit IS NOT DISTINCT FROM agg.unit;

-- One row per article: provenance plus what was extracted from it.
CREATE VIEW article_summary AS
WITH ent AS (
    SELECT
        article_id,
        count(*) AS n_entities,
        list(DISTINCT code ORDER BY code) FILTER (WHERE kind = 'country' AND code IS NOT NULL)
            AS countries,
        list(DISTINCT canonical ORDER BY canonical) FILTER (WHERE kind = 'agency') AS agencies
    FROM entities GROUP BY article_id
), fig AS (
    SELECT article_id, count(*) AS n_figures,
           count(*) FILTER (WHERE redacted) AS n_redacted
    FROM figures GROUP BY article_id
), ops AS (
    SELECT article_id, list(DISTINCT operation ORDER BY operation) AS operations
    FROM stg_operation_articles GROUP BY article_id
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
FROM articles AS a
LEFT JOIN ent USING (article_id)
LEFT JOIN fig USING (article_id)
LEFT JOIN ops USING (article_id);

-- What each run quarantined, per table and check.
CREATE VIEW quarantine_summary AS
SELECT run_id, table_name, expectation, count(*) AS n_rows, count(DISTINCT row_key) AS n_keys,
       any_value(reason) AS example_reason
FROM quarantine
GROUP BY run_id, table_name, expectation;
