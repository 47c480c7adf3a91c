-- Figures scoped to a country, per country, role and unit (role 'other' left out).
-- Values are not summed across articles: several articles usually report one event.
CREATE OR REPLACE VIEW figures_by_country AS
WITH scoped AS (
    SELECT * FROM figure_details WHERE role <> 'other' AND scope_code IS NOT NULL
), ops AS (
    SELECT f.scope_code, f.role, f.unit,
           count(DISTINCT oa.operation_id) AS n_operations,
           string_agg(DISTINCT oa.operation, '; ' ORDER BY oa.operation) AS operations
    FROM scoped AS f
    JOIN int_operation_articles AS oa USING (article_id)
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

COMMENT ON VIEW figures_by_country IS 'Country-scoped figures per country, role and unit (role other left out; values not summed).';
COMMENT ON COLUMN figures_by_country.country_code IS 'ISO2 code of the country the figures are about';
COMMENT ON COLUMN figures_by_country.role IS 'What the numbers count';
COMMENT ON COLUMN figures_by_country.unit IS 'Unit; NULL for counts';
COMMENT ON COLUMN figures_by_country.n_figures IS 'Figures';
COMMENT ON COLUMN figures_by_country.n_articles IS 'Articles they come from';
COMMENT ON COLUMN figures_by_country.n_with_value IS 'Figures with a number (not redacted or vague)';
COMMENT ON COLUMN figures_by_country.n_redacted IS 'Redacted figures';
COMMENT ON COLUMN figures_by_country.min_value IS 'Smallest value';
COMMENT ON COLUMN figures_by_country.median_value IS 'Median value';
COMMENT ON COLUMN figures_by_country.max_value IS 'Largest value (a ceiling, not a total)';
COMMENT ON COLUMN figures_by_country.n_operations IS 'Operations named by those articles';
COMMENT ON COLUMN figures_by_country.operations IS 'Their names, separated by semicolons';
