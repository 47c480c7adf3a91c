-- articles: source_kind and content_kind are among opwatch.records' kinds
SELECT article_id, source_kind, content_kind
FROM articles
WHERE source_kind NOT IN {{ source_kinds }} OR content_kind NOT IN {{ content_kinds }}
