-- Staging: the entities table, one row per entity mention, columns as stored.
CREATE OR REPLACE VIEW stg_entities AS
SELECT entity_id, article_id, kind, text, canonical, code, "start", "end", score, model
FROM entities;

COMMENT ON VIEW stg_entities IS 'Staging: one row per entity mention (1:1 with entities).';
COMMENT ON COLUMN stg_entities.entity_id IS 'article_id:kind:start-end';
COMMENT ON COLUMN stg_entities.article_id IS 'Article the mention is in';
COMMENT ON COLUMN stg_entities.kind IS 'person, agency, organization, country, location, operation, website or misc';
COMMENT ON COLUMN stg_entities.text IS 'The mention as written (= article text[start:end])';
COMMENT ON COLUMN stg_entities.canonical IS 'Normalised name';
COMMENT ON COLUMN stg_entities.code IS 'ISO2 code for countries and locations, key for agencies';
COMMENT ON COLUMN stg_entities."start" IS 'Character offset where the mention starts';
COMMENT ON COLUMN stg_entities."end" IS 'Character offset where the mention ends (exclusive)';
COMMENT ON COLUMN stg_entities.score IS 'Model confidence, 0 to 1';
COMMENT ON COLUMN stg_entities.model IS 'What found it (model or rule name)';
