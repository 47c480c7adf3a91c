"""Hand-built records for validation and warehouse tests (no dependency on the models)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from opwatch.records import Article, Entity, Figure, Problem, content_hash

RUN_ID = "run-test-0001"
RUN_DATE = date(2024, 6, 1)

TEXT_A = (
    "Police in 30 countries arrested 184 suspects in Operation Rescue, Europol said. "
    "In Britain, 121 people were arrested. Some 2xx suspects were identified. "
    "Hundreds of members were targeted."
)
TEXT_B = (
    "Operation Rescue led to 180 arrests worldwide, the Child Exploitation and Online "
    "Protection Centre said. Investigators seized 4 terabytes of material."
)


def article(
    text: str = TEXT_A,
    source: str = "examples/a.txt",
    published: date | None = date(2011, 3, 16),
    **overrides: object,
) -> Article:
    a = Article(
        article_id=content_hash(text),
        source=source,
        source_kind="file",
        content_kind="text",
        title="Operation Rescue",
        sitename="example.org",
        author=None,
        url=None,
        published=published,
        text=text,
        n_chars=len(text),
        encoding="utf-8",
        decode_errors=False,
        first_seen=datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        run_id=RUN_ID,
    )
    return replace(a, **overrides) if overrides else a


def _span(a: Article, surface: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = a.text.index(surface, start + 1)
    return start, start + len(surface)


def _sentence(a: Article, start: int, end: int) -> tuple[int, int]:
    s = a.text.rfind(". ", 0, start)
    e = a.text.find(".", end)
    return (0 if s < 0 else s + 2), (len(a.text) if e < 0 else e + 1)


def entity(
    a: Article,
    surface: str,
    kind: str,
    canonical: str | None = None,
    code: str | None = None,
    **overrides: object,
) -> Entity:
    start, end = _span(a, surface)
    e = Entity(
        article_id=a.article_id,
        kind=kind,
        text=surface,
        canonical=canonical or surface,
        code=code,
        start=start,
        end=end,
        score=0.9,
        model="test",
    )
    return replace(e, **overrides) if overrides else e


def figure(
    a: Article,
    surface: str,
    role: str,
    value: float | None,
    qualifier: str = "exact",
    **overrides: object,
) -> Figure:
    start, end = _span(a, surface)
    s_start, s_end = _sentence(a, start, end)
    f = Figure(
        article_id=a.article_id,
        role=role,
        value=value,
        unit=None,
        qualifier=qualifier,
        redacted=False,
        text=surface,
        start=start,
        end=end,
        sentence_start=s_start,
        sentence_end=s_end,
        scope_code=None,
        scope_text=None,
        score=0.8,
        method="rules",
    )
    return replace(f, **overrides) if overrides else f


def batch_a(a: Article | None = None) -> tuple[Article, list[Entity], list[Figure]]:
    """A valid article with operation/agency/country entities and four kinds of figure."""
    a = a or article()
    ents = [
        entity(a, "Operation Rescue", "operation"),
        entity(a, "Europol", "agency", code="europol"),
        entity(a, "Britain", "country", canonical="United Kingdom", code="GB"),
    ]
    figs = [
        figure(a, "184", "arrests", 184.0),
        figure(a, "30", "countries_involved", 30.0),
        figure(a, "121", "arrests", 121.0, scope_code="GB", scope_text="Britain"),
        figure(a, "2xx", "suspects_identified", None, redacted=True),
        figure(a, "Hundreds", "members", None, qualifier="approx"),
    ]
    return a, ents, figs


def batch_b(a: Article | None = None) -> tuple[Article, list[Entity], list[Figure]]:
    """A second source on the same operation that reports 180 arrests (vs 184 in A)."""
    a = a or article(
        TEXT_B, source="examples/b.txt", published=date(2011, 3, 17), sitename="ceop.example"
    )
    ents = [
        entity(a, "Operation Rescue", "operation"),
        entity(
            a,
            "Child Exploitation and Online Protection Centre",
            "agency",
            code="ceop",
        ),
    ]
    figs = [
        figure(a, "180", "arrests", 180.0),
        figure(a, "4 terabytes", "data_seized", 4e12, unit="bytes"),
    ]
    return a, ents, figs


def problem(source: str = "examples/empty.txt", code: str = "E001") -> Problem:
    return Problem(source=source, stage="ingest", code=code, message="File is empty.")
