-- Figures with their article's provenance and a display string ("~180", ">=50000 EUR").
-- This was stg_figures before the warehouse had layers; it joins and formats, so it is
-- a mart (stg_figures is now the 1:1 staging view of the figures table).
CREATE OR REPLACE VIEW figure_details AS
SELECT
    f.figure_id, f.article_id, f.role, f.value, f.unit, f.qualifier, f.redacted, f.text,
    f."start", f."end", f.sentence_start, f.sentence_end, f.scope_code, f.scope_text,
    f.score, f.method,
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
FROM stg_figures AS f
JOIN stg_articles AS a USING (article_id);

COMMENT ON VIEW figure_details IS 'One row per figure, with its article''s provenance and a display string.';
COMMENT ON COLUMN figure_details.figure_id IS 'article_id:role:start-end';
COMMENT ON COLUMN figure_details.article_id IS 'Article the figure was read from';
COMMENT ON COLUMN figure_details.role IS 'What the number counts (arrests, victims_rescued, ...)';
COMMENT ON COLUMN figure_details.value IS 'The number; NULL when redacted or vague';
COMMENT ON COLUMN figure_details.unit IS 'bytes, ISO 4217 currency, images...; NULL for counts';
COMMENT ON COLUMN figure_details.qualifier IS 'exact, at_least, at_most or approx';
COMMENT ON COLUMN figure_details.redacted IS 'True when the article withholds the number';
COMMENT ON COLUMN figure_details.text IS 'The number as written (= article text[start:end])';
COMMENT ON COLUMN figure_details."start" IS 'Character offset where the number starts';
COMMENT ON COLUMN figure_details."end" IS 'Character offset where the number ends (exclusive)';
COMMENT ON COLUMN figure_details.sentence_start IS 'Offset where its sentence starts';
COMMENT ON COLUMN figure_details.sentence_end IS 'Offset where its sentence ends';
COMMENT ON COLUMN figure_details.scope_code IS 'ISO2 code when the figure is about one country';
COMMENT ON COLUMN figure_details.scope_text IS 'The scope as written';
COMMENT ON COLUMN figure_details.score IS 'Role confidence, 0 to 1';
COMMENT ON COLUMN figure_details.method IS 'Role classifier that chose the role';
COMMENT ON COLUMN figure_details.source IS 'Article source (path or URL)';
COMMENT ON COLUMN figure_details.outlet IS 'Article site name, or its source when unknown';
COMMENT ON COLUMN figure_details.title IS 'Article title';
COMMENT ON COLUMN figure_details.published IS 'Article publication date';
COMMENT ON COLUMN figure_details.url IS 'Article URL';
COMMENT ON COLUMN figure_details.display IS 'Qualifier sign, number (or the text when vague/redacted) and unit: ~180, >=50000 EUR';
