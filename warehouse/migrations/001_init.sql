-- 001: base tables. Columns mirror opwatch/records.py; timestamps are UTC.
-- Entity and figure ids come from warehouse/keys.py (article, kind/role, span), the same
-- keys that validation uses as quarantine row_key.

CREATE TABLE articles (
    article_id     VARCHAR PRIMARY KEY,      -- sha256 of text: the idempotency key
    source         VARCHAR NOT NULL,         -- path or URL as given
    source_kind    VARCHAR NOT NULL,         -- file | url | feed_item
    content_kind   VARCHAR NOT NULL,         -- html | text
    title          VARCHAR,
    sitename       VARCHAR,
    author         VARCHAR,
    url            VARCHAR,
    published      DATE,
    text           VARCHAR NOT NULL,         -- cleaned text; every offset refers to it
    n_chars        INTEGER NOT NULL,
    encoding       VARCHAR,
    decode_errors  BOOLEAN NOT NULL DEFAULT false,
    first_seen     TIMESTAMP NOT NULL,
    run_id         VARCHAR NOT NULL,         -- run that loaded it
    loaded_at      TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE entities (
    entity_id      VARCHAR PRIMARY KEY,      -- article_id:kind:start-end
    article_id     VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,         -- person|agency|organization|country|location|operation|website|misc
    text           VARCHAR NOT NULL,         -- == articles.text[start:end]
    canonical      VARCHAR NOT NULL,
    code           VARCHAR,                  -- ISO2 for countries/locations, agency key
    "start"        INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    score          DOUBLE NOT NULL,
    model          VARCHAR NOT NULL
);

CREATE TABLE figures (
    figure_id      VARCHAR PRIMARY KEY,      -- article_id:role:start-end
    article_id     VARCHAR NOT NULL,
    role           VARCHAR NOT NULL,
    value          DOUBLE,                   -- NULL when redacted or vague ("hundreds of")
    unit           VARCHAR,                  -- bytes, ISO 4217, images...; NULL for counts
    qualifier      VARCHAR NOT NULL,         -- exact | at_least | at_most | approx
    redacted       BOOLEAN NOT NULL,
    text           VARCHAR NOT NULL,
    "start"        INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    sentence_start INTEGER NOT NULL,
    sentence_end   INTEGER NOT NULL,
    scope_code     VARCHAR,                  -- ISO2 when the scope is a country
    scope_text     VARCHAR,
    score          DOUBLE NOT NULL,
    method         VARCHAR NOT NULL
);

-- One row per canonical operation name ("Operation Rescue" -> operation-rescue).
CREATE TABLE operations (
    operation_id   VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    first_seen     TIMESTAMP NOT NULL
);

CREATE TABLE operation_articles (
    operation_id   VARCHAR NOT NULL,
    article_id     VARCHAR NOT NULL,
    surface        VARCHAR NOT NULL,         -- the name as written in the article
    PRIMARY KEY (operation_id, article_id, surface)
);

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,
    started_at        TIMESTAMP,
    finished_at       TIMESTAMP,
    n_sources         INTEGER,
    n_articles_loaded INTEGER,
    n_skipped         INTEGER,
    n_quarantined     INTEGER,
    status            VARCHAR,               -- ok | quarantined | failed
    report_path       VARCHAR
);

CREATE TABLE quarantine (
    run_id         VARCHAR NOT NULL,
    table_name     VARCHAR NOT NULL,         -- articles | entities | figures | documents
    row_key        VARCHAR NOT NULL,
    expectation    VARCHAR NOT NULL,         -- check name, or error code for documents
    reason         VARCHAR NOT NULL,
    row_json       VARCHAR NOT NULL,
    created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);
