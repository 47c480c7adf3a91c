-- figures.qualifier: one of opwatch.records.QUALIFIERS
SELECT figure_id, qualifier
FROM figures
WHERE qualifier NOT IN {{ qualifiers }}
