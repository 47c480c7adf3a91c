-- Example queries for analysts. Run them all with
--   opwatch sql -f warehouse/queries/examples.sql          (add --line for wide rows)
-- or one at a time in `opwatch shell` (the DuckDB CLI, opened read-only).
-- Note: "start" and "end" are column names; quote "end".

-- 1. Conflicting reports: operations whose sources disagree on a figure (180 vs 184
--    arrests). by_source lists every outlet's number side by side.
SELECT operation, role, scope_code, unit, n_articles, min_value, max_value, by_source
FROM operation_facts
WHERE conflicting
ORDER BY operation, role, scope_code NULLS FIRST;

-- 2. Arrests per country, with the operations they come from. Values are not summed
--    across articles (several articles often report the same event); max is a ceiling.
SELECT country_code, n_articles, min_value, max_value, operations
FROM figures_by_country
WHERE role = 'arrests'
ORDER BY max_value DESC NULLS LAST;

-- 3. Timeline of one operation: who reported what, and when.
SELECT published, outlet, role, display, scope_code, figure_text, source
FROM operation_figures
WHERE operation = 'Operation Rescue'
ORDER BY published NULLS LAST, outlet, role;

-- 4. Provenance of a figure: the sentence it was read from, with the number marked.
SELECT f.role, f.display, f.source,
       substr(a.text, f.sentence_start + 1, f.start - f.sentence_start)
       || '[[' || f.text || ']]'
       || substr(a.text, f."end" + 1, f.sentence_end - f."end") AS sentence
FROM figure_details AS f
JOIN articles AS a USING (article_id)
WHERE f.role = 'victims_rescued'
ORDER BY f.published NULLS LAST
LIMIT 20;

-- 5. Data quality per run: what was quarantined, and why (one example reason each).
SELECT r.run_id, r.started_at, r.status, r.n_articles_loaded, r.n_quarantined,
       q.table_name, q.expectation, q.n_rows, q.example_reason
FROM runs AS r
LEFT JOIN quarantine_summary AS q USING (run_id)
ORDER BY r.started_at DESC, q.n_rows DESC NULLS LAST;
