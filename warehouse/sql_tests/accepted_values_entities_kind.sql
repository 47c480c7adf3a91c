-- entities.kind: one of opwatch.records.ENTITY_KINDS
SELECT entity_id, kind
FROM entities
WHERE kind NOT IN {{ entity_kinds }}
