-- 006: which raw document (file or page, as read) gave which loaded article. The key
-- (opwatch.tasks.raw_keys) hashes the document's bytes as decoded and its metadata
-- with the clean code's version, so a re-run skips known content before cleaning it.
-- Rows whose article was later replaced are ignored (the lookup joins articles).
CREATE TABLE raw_documents (
    raw_key VARCHAR PRIMARY KEY,
    article_id VARCHAR NOT NULL,
    first_seen TIMESTAMP NOT NULL
);
