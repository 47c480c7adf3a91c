-- Staging: the articles table, one row per loaded article, columns as stored.
CREATE OR REPLACE VIEW stg_articles AS
SELECT article_id, source, source_kind, content_kind, title, sitename, author, url,
       published, text, n_chars, encoding, decode_errors, first_seen, run_id, loaded_at
FROM articles;

COMMENT ON VIEW stg_articles IS 'Staging: one row per loaded article (1:1 with articles).';
COMMENT ON COLUMN stg_articles.article_id IS 'sha256 of text: the article id and idempotency key';
COMMENT ON COLUMN stg_articles.source IS 'Path or URL as given to the pipeline';
COMMENT ON COLUMN stg_articles.source_kind IS 'file, url or feed_item';
COMMENT ON COLUMN stg_articles.content_kind IS 'html or text';
COMMENT ON COLUMN stg_articles.title IS 'Title read from the page or the text header';
COMMENT ON COLUMN stg_articles.sitename IS 'Publishing site, when known';
COMMENT ON COLUMN stg_articles.author IS 'Author, when known';
COMMENT ON COLUMN stg_articles.url IS 'URL of the article, when known';
COMMENT ON COLUMN stg_articles.published IS 'Publication date';
COMMENT ON COLUMN stg_articles.text IS 'Cleaned text; every offset refers to it';
COMMENT ON COLUMN stg_articles.n_chars IS 'Characters in text';
COMMENT ON COLUMN stg_articles.encoding IS 'Encoding the source was decoded with';
COMMENT ON COLUMN stg_articles.decode_errors IS 'True when bytes had to be replaced while decoding';
COMMENT ON COLUMN stg_articles.first_seen IS 'When the pipeline first read it (UTC)';
COMMENT ON COLUMN stg_articles.run_id IS 'Run that loaded it';
COMMENT ON COLUMN stg_articles.loaded_at IS 'When it was loaded (UTC)';
