-- One row per (operation, figure): the long form behind operation_facts.
CREATE OR REPLACE VIEW operation_figures AS
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
FROM int_operation_articles AS oa
JOIN figure_details AS f USING (article_id);

COMMENT ON VIEW operation_figures IS 'One row per operation and figure of an article that names the operation.';
COMMENT ON COLUMN operation_figures.operation_id IS 'Operation';
COMMENT ON COLUMN operation_figures.operation IS 'Canonical operation name';
COMMENT ON COLUMN operation_figures.n_operations_in_article IS 'Operations the article names (the figure counts for each)';
COMMENT ON COLUMN operation_figures.figure_id IS 'Figure';
COMMENT ON COLUMN operation_figures.article_id IS 'Article the figure was read from';
COMMENT ON COLUMN operation_figures.source IS 'Article source (path or URL)';
COMMENT ON COLUMN operation_figures.outlet IS 'Article site name, or its source';
COMMENT ON COLUMN operation_figures.published IS 'Article publication date';
COMMENT ON COLUMN operation_figures.role IS 'What the number counts';
COMMENT ON COLUMN operation_figures.value IS 'The number; NULL when redacted or vague';
COMMENT ON COLUMN operation_figures.unit IS 'Unit; NULL for counts';
COMMENT ON COLUMN operation_figures.qualifier IS 'exact, at_least, at_most or approx';
COMMENT ON COLUMN operation_figures.redacted IS 'True when the article withholds the number';
COMMENT ON COLUMN operation_figures.scope_code IS 'ISO2 code when the figure is about one country';
COMMENT ON COLUMN operation_figures.scope_text IS 'The scope as written';
COMMENT ON COLUMN operation_figures.display IS 'Display string (~180, >=50000 EUR)';
COMMENT ON COLUMN operation_figures.figure_text IS 'The number as written';
COMMENT ON COLUMN operation_figures.score IS 'Role confidence, 0 to 1';
COMMENT ON COLUMN operation_figures.method IS 'Role classifier that chose the role';
