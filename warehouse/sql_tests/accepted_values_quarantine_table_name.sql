-- quarantine.table_name: articles, entities, figures or documents
SELECT run_id, table_name, row_key
FROM quarantine
WHERE table_name NOT IN {{ quarantine_tables }}
