-- Staging: the figures table, one row per number read from an article, columns as stored.
-- (Until the layers, stg_figures also carried the article's provenance and a display
-- string: that view is now the mart figure_details.)
CREATE OR REPLACE VIEW stg_figures AS
SELECT figure_id, article_id, role, value, unit, qualifier, redacted, text, "start", "end",
       sentence_start, sentence_end, scope_code, scope_text, score, method
FROM figures;

COMMENT ON VIEW stg_figures IS 'Staging: one row per figure (1:1 with figures).';
COMMENT ON COLUMN stg_figures.figure_id IS 'article_id:role:start-end';
COMMENT ON COLUMN stg_figures.article_id IS 'Article the figure was read from';
COMMENT ON COLUMN stg_figures.role IS 'What the number counts (arrests, victims_rescued, ...)';
COMMENT ON COLUMN stg_figures.value IS 'The number; NULL when redacted or vague';
COMMENT ON COLUMN stg_figures.unit IS 'bytes, ISO 4217 currency, images...; NULL for counts';
COMMENT ON COLUMN stg_figures.qualifier IS 'exact, at_least, at_most or approx';
COMMENT ON COLUMN stg_figures.redacted IS 'True when the article withholds the number';
COMMENT ON COLUMN stg_figures.text IS 'The number as written (= article text[start:end])';
COMMENT ON COLUMN stg_figures."start" IS 'Character offset where the number starts';
COMMENT ON COLUMN stg_figures."end" IS 'Character offset where the number ends (exclusive)';
COMMENT ON COLUMN stg_figures.sentence_start IS 'Offset where its sentence starts';
COMMENT ON COLUMN stg_figures.sentence_end IS 'Offset where its sentence ends';
COMMENT ON COLUMN stg_figures.scope_code IS 'ISO2 code when the figure is about one country';
COMMENT ON COLUMN stg_figures.scope_text IS 'The scope as written';
COMMENT ON COLUMN stg_figures.score IS 'Role confidence, 0 to 1';
COMMENT ON COLUMN stg_figures.method IS 'Role classifier that chose the role';
