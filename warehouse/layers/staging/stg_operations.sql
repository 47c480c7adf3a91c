-- Staging: the operations table, one row per canonical operation name.
CREATE OR REPLACE VIEW stg_operations AS
SELECT operation_id, name, first_seen
FROM operations;

COMMENT ON VIEW stg_operations IS 'Staging: one row per named operation (1:1 with operations).';
COMMENT ON COLUMN stg_operations.operation_id IS 'Slug of the canonical name (operation-rescue)';
COMMENT ON COLUMN stg_operations.name IS 'Canonical name (Operation Rescue)';
COMMENT ON COLUMN stg_operations.first_seen IS 'When an article first named it (UTC)';
