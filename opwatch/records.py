"""The one typed record model that travels from ingest to load.

Every stage takes and returns these dataclasses; the DuckDB schema in
warehouse/migrations mirrors them column for column.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

SOURCE_KINDS = ("file", "url", "feed_item")
CONTENT_KINDS = ("html", "text")
ENTITY_KINDS = (
    "person",
    "agency",
    "organization",
    "country",
    "location",
    "operation",
    "website",
    "misc",
)
FIGURE_ROLES = (
    "arrests",
    "suspects_identified",
    "charged",
    "convicted",
    "victims_rescued",
    "websites_closed",
    "members",
    "targeted",
    "countries_involved",
    "data_seized",
    "media_seized",
    "money",
    "other",
)
QUALIFIERS = ("exact", "at_least", "at_most", "approx")


def content_hash(text: str) -> str:
    """sha256 of the cleaned text: the article id and the idempotency key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Problem:
    """An input that could not become an article, with a stable code and a reason."""

    source: str
    stage: str  # ingest | clean | extract
    code: str  # see opwatch.errors
    message: str


@dataclass
class RawDocument:
    """Bytes read from a file or fetched from a URL, not yet cleaned."""

    source: str  # path or URL as given
    source_kind: str  # one of SOURCE_KINDS
    content_kind: str  # one of CONTENT_KINDS
    text: str  # decoded content (HTML markup or plain text)
    encoding: str
    decode_errors: bool = False  # undecodable bytes were replaced
    url: str | None = None
    fetched_at: datetime | None = None
    feed_title: str | None = None  # title given by a feed entry, if any
    feed_published: date | None = None


@dataclass
class Article:
    article_id: str  # sha256 of text
    source: str
    source_kind: str
    content_kind: str
    title: str | None
    sitename: str | None
    author: str | None
    url: str | None
    published: date | None
    text: str  # cleaned text: every offset refers to it
    n_chars: int
    encoding: str
    decode_errors: bool
    first_seen: datetime
    run_id: str


@dataclass
class Entity:
    article_id: str
    kind: str  # one of ENTITY_KINDS
    text: str  # surface, == article.text[start:end]
    canonical: str  # normalised name ("Operation Rescue", "Europol", "Karen McVeigh")
    code: str | None  # ISO2 for countries/locations, agency key for agencies
    start: int
    end: int
    score: float
    model: str  # which component produced it


@dataclass
class Figure:
    article_id: str
    role: str  # one of FIGURE_ROLES
    value: float | None  # None exactly when redacted or vague ("hundreds of")
    unit: str | None  # e.g. "bytes", "USD", "DVD", "images"; None for plain counts
    qualifier: str  # one of QUALIFIERS
    redacted: bool
    text: str  # surface of the number, == article.text[start:end]
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    scope_code: str | None  # ISO2 when the scope is a country
    scope_text: str | None  # the place as written, or None for worldwide/unspecified
    score: float
    method: str  # rules | transformer


@dataclass
class Extraction:
    """What the extract stage found in one article."""

    article: Article
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class QuarantineRow:
    run_id: str
    table_name: str  # articles | entities | figures | documents
    row_key: str
    expectation: str
    reason: str
    row_json: str


def to_row(record: Any) -> dict[str, Any]:
    """Dataclass -> plain dict (for DataFrames and JSON)."""
    return asdict(record)
