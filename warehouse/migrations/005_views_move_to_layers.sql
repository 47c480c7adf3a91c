-- 005: views leave the migrations. 002 and 003 created the analyst views; they stay
-- as they were (applied migrations are checksummed), and this drops what they made.
-- The views are now SQL files under warehouse/layers/, re-applied at every read-write
-- connect (opwatch.warehouse.views), so a fresh and an upgraded database end up the same.
-- The number 004 is left to another change; order does not matter here (IF EXISTS).
DROP VIEW IF EXISTS operation_facts;
DROP VIEW IF EXISTS figures_by_country;
DROP VIEW IF EXISTS article_summary;
DROP VIEW IF EXISTS quarantine_summary;
DROP VIEW IF EXISTS operation_figures;
DROP VIEW IF EXISTS stg_operation_articles;
DROP VIEW IF EXISTS stg_figures;
