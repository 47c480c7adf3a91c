-- figure_details.display: every figure can be shown (number or text)
SELECT figure_id, value, text
FROM figure_details
WHERE display IS NULL OR display = ''
