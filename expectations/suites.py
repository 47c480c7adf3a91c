"""GX expectation suites for articles, entities and figures, written as code.

Each expectation carries `meta={"check": <name>}` (the stable name used in quarantine
and reports) and a `description` (the human reason, also shown in Data Docs).

Offsets are checked on derived columns that `build_frames` adds in pandas before
validation: `span_text` (the parent article's text[start:end]) and `doc_len`. GX
column-map expectations see one row of one table, so the join with the article text
has to happen first anyway; once it has, the built-in column-pair expectations do the
comparison, render in Data Docs, and report both values for every failing row. A
custom expectation would add a metric provider and renderers for no extra power.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime, timedelta
from typing import Any

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pycountry
from great_expectations.expectations.row_conditions import (
    Column,
    ComparisonCondition,
    Operator,
)

from opwatch.records import (
    CONTENT_KINDS,
    ENTITY_KINDS,
    FIGURE_ROLES,
    QUALIFIERS,
    SOURCE_KINDS,
    Article,
    Entity,
    Figure,
    to_row,
)
from opwatch.warehouse.keys import entity_id, figure_id

ARTICLES, ENTITIES, FIGURES = "articles", "entities", "figures"
TABLES = (ARTICLES, ENTITIES, FIGURES)
ROW_ID = "row_id"  # the column GX reports for every failing row

# Suite parameters, filled in per batch by the runner.
P_ARTICLE_IDS = "batch_article_ids"
P_RUN_DATE = "run_date"

# ISO 3166-1 alpha-2, plus XK (Kosovo), which Europol and the EU use.
ISO2_CODES: tuple[str, ...] = tuple(sorted({c.alpha_2 for c in pycountry.countries} | {"XK"}))
CURRENCY_CODES: tuple[str, ...] = tuple(sorted(c.alpha_3 for c in pycountry.currencies))
# Units of counted things, as models/figures/units.py normalises them (media_seized);
# data volumes are normalised to bytes, money to ISO 4217 codes.
COUNT_UNITS: tuple[str, ...] = (
    "images",
    "videos",
    "files",
    "hours",
    "DVD",
    "CD",
    "devices",
    "accounts",
    "websites",
    "servers",
)
UNITS: tuple[str, ...] = (
    "images",
    "videos",
    "photos",
    "files",
    "DVD",
    "CD",
    "devices",
    "computers",
    "phones",
    "hard drives",
    "storage devices",
    "accounts",
    "websites",
    "servers",
)
UNITS: tuple[str, ...] = ("bytes", *COUNT_UNITS, *CURRENCY_CODES)
METHODS = ("rules", "transformer", "combined")  # "combined": rows of older versions
EARLIEST_PUBLISHED = date(1980, 1, 1)  # anything older is a date-parsing error
# A local publication date can be a day ahead of the UTC run date (time zones).
PUBLISHED_TOLERANCE = timedelta(days=1)
MAX_COUNTRIES = 250  # there are 249 ISO countries and territories


def _is(column: str, value: Any) -> ComparisonCondition:
    """Row condition `column == value` (built explicitly so booleans are accepted)."""
    return ComparisonCondition(column=Column(column), operator=Operator.EQUAL, parameter=value)


# Small builders: each expectation gets its check name (meta) and reason (description).
def _exp(cls: type[gxe.Expectation], check: str, reason: str, **kwargs: Any) -> Any:
    return cls(meta={"check": check}, description=reason, **kwargs)


def _in_set(check: str, reason: str, column: str, values: Any, when: Any = None) -> Any:
    values = values if isinstance(values, dict) else list(values)
    return _exp(
        gxe.ExpectColumnValuesToBeInSet,
        check,
        reason,
        column=column,
        value_set=values,
        row_condition=when,
    )


def _not_null(check: str, reason: str, column: str, when: Any = None) -> Any:
    return _exp(gxe.ExpectColumnValuesToNotBeNull, check, reason, column=column, row_condition=when)


def _null(check: str, reason: str, column: str, when: Any = None) -> Any:
    return _exp(gxe.ExpectColumnValuesToBeNull, check, reason, column=column, row_condition=when)


def _between(
    check: str, reason: str, column: str, lo: Any = None, hi: Any = None, when: Any = None
) -> Any:
    return _exp(
        gxe.ExpectColumnValuesToBeBetween,
        check,
        reason,
        column=column,
        min_value=lo,
        max_value=hi,
        row_condition=when,
    )


def _regex(check: str, reason: str, column: str, regex: str, when: Any = None) -> Any:
    return _exp(
        gxe.ExpectColumnValuesToMatchRegex,
        check,
        reason,
        column=column,
        regex=regex,
        row_condition=when,
    )


def _unique(check: str, reason: str, column: str) -> Any:
    return _exp(gxe.ExpectColumnValuesToBeUnique, check, reason, column=column)


def _equal(check: str, reason: str, a: str, b: str) -> Any:
    return _exp(gxe.ExpectColumnPairValuesToBeEqual, check, reason, column_A=a, column_B=b)


def _at_least(check: str, reason: str, a: str, b: str, strict: bool = False) -> Any:
    """Column a >= column b (a > b when strict)."""
    return _exp(
        gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        check,
        reason,
        column_A=a,
        column_B=b,
        or_equal=not strict,
    )


def _span_checks() -> list[Any]:
    """Offsets inside the article and text[start:end] equal to the surface."""
    return [
        _not_null("text_present", "surface text is missing", "text"),
        _regex("text_not_blank", "surface text is blank", "text", r"\S"),
        _between("start_non_negative", "start offset is negative", "start", lo=0),
        _at_least("end_after_start", "end offset is not after start", "end", "start", True),
        _at_least("end_inside_text", "end offset lies beyond the article text", "doc_len", "end"),
        _equal(
            "surface_matches_offsets",
            "article.text[start:end] differs from the recorded surface text",
            "text",
            "span_text",
        ),
    ]


def _child_checks() -> list[Any]:
    return [
        _unique("row_id_unique", "duplicate row id (same article, kind/role and span)", ROW_ID),
        _in_set(
            "article_in_batch",
            "parent article is not in this batch",
            "article_id",
            {"$PARAMETER": P_ARTICLE_IDS},
        ),
        _not_null("score_present", "score is missing", "score"),
        _between("score_in_unit_interval", "score is outside [0, 1]", "score", lo=0, hi=1),
    ]


def article_suite() -> gx.ExpectationSuite:
    earliest = EARLIEST_PUBLISHED.isoformat()
    checks = [
        _not_null("article_id_present", "article_id is missing", "article_id"),
        _unique(
            "article_id_unique", "article_id appears more than once in the batch", "article_id"
        ),
        _equal(
            "article_id_is_text_hash",
            "article_id is not the sha256 of the cleaned text",
            "article_id",
            "text_sha256",
        ),
        _not_null("source_present", "source is missing", "source"),
        _in_set(
            "source_kind_allowed",
            "source_kind is not one of SOURCE_KINDS",
            "source_kind",
            SOURCE_KINDS,
        ),
        _in_set(
            "content_kind_allowed",
            "content_kind is not one of CONTENT_KINDS",
            "content_kind",
            CONTENT_KINDS,
        ),
        _not_null("text_present", "text is missing", "text"),
        _regex("text_not_blank", "text is empty or blank", "text", r"\S"),
        _equal("n_chars_matches_text", "n_chars differs from len(text)", "n_chars", "text_len"),
        _between(
            "published_not_after_run_date",
            "published date is after the run date (+1 day for time zones)",
            "published",
            hi={"$PARAMETER": P_RUN_DATE},
        ),
        _between(
            "published_plausible",
            f"published date is before {earliest}",
            "published",
            lo=pd.Timestamp(EARLIEST_PUBLISHED),
        ),
        _not_null("first_seen_present", "first_seen is missing", "first_seen"),
    ]
    return gx.ExpectationSuite(name=ARTICLES, expectations=checks)


def entity_suite() -> gx.ExpectationSuite:
    place = Column("kind").is_in(["country", "location"])
    checks = [
        *_child_checks(),
        _in_set("kind_allowed", "kind is not one of ENTITY_KINDS", "kind", ENTITY_KINDS),
        *_span_checks(),
        _not_null("canonical_present", "canonical is missing", "canonical"),
        _regex("canonical_not_blank", "canonical is blank", "canonical", r"\S"),
        _in_set(
            "place_code_iso2",
            "country/location code is not ISO 3166-1 alpha-2",
            "code",
            ISO2_CODES,
            when=place,
        ),
        _not_null(
            "country_has_code",
            "country entity has no ISO code",
            "code",
            when=_is("kind", "country"),
        ),
        _regex(
            "operation_name_canonical",
            "operation name is not 'Operation <Name>'",
            "canonical",
            r"^Operation \S",
            when=_is("kind", "operation"),
        ),
        _not_null("model_present", "model is missing", "model"),
    ]
    return gx.ExpectationSuite(name=ENTITIES, expectations=checks)


def figure_suite() -> gx.ExpectationSuite:
    # value NULL => redacted or vague ("hundreds of": qualifier approx, no value)
    not_vague = _is("redacted", False) & (Column("qualifier") != "approx")
    checks = [
        *_child_checks(),
        _in_set("role_allowed", "role is not one of FIGURE_ROLES", "role", FIGURE_ROLES),
        _in_set("qualifier_allowed", "qualifier is not one of QUALIFIERS", "qualifier", QUALIFIERS),
        _in_set("unit_allowed", "unit is not an allowed unit", "unit", UNITS),
        _in_set(
            "money_unit_currency",
            "money figure has no ISO 4217 currency unit",
            "unit",
            CURRENCY_CODES,
            when=_is("role", "money"),
        ),
        _not_null("redacted_present", "redacted is missing", "redacted"),
        _between("value_non_negative", "value is negative", "value", lo=0),
        _null(
            "redacted_has_no_value",
            "redacted figure carries a value",
            "value",
            when=_is("redacted", True),
        ),
        _not_null(
            "missing_value_redacted_or_vague",
            "value is missing but the figure is neither redacted nor approx",
            "value",
            when=not_vague,
        ),
        _between(
            "countries_involved_plausible",
            f"countries_involved above {MAX_COUNTRIES}",
            "value",
            hi=MAX_COUNTRIES,
            when=_is("role", "countries_involved"),
        ),
        *_span_checks(),
        _at_least(
            "sentence_starts_before_figure",
            "sentence_start is after the figure start",
            "start",
            "sentence_start",
        ),
        _at_least(
            "sentence_ends_after_figure",
            "sentence_end is before the figure end",
            "sentence_end",
            "end",
        ),
        _at_least(
            "sentence_inside_text",
            "sentence_end lies beyond the article text",
            "doc_len",
            "sentence_end",
        ),
        _in_set(
            "scope_code_iso2", "scope_code is not ISO 3166-1 alpha-2", "scope_code", ISO2_CODES
        ),
        _in_set("method_allowed", "method is not rules/transformer/combined", "method", METHODS),
    ]
    return gx.ExpectationSuite(name=FIGURES, expectations=checks)


def suite_parameters(articles: Sequence[Article], run_date: date) -> dict[str, Any]:
    """Values for the suites' $PARAMETERs in one batch."""
    day = run_date.date() if isinstance(run_date, datetime) else run_date
    return {
        P_ARTICLE_IDS: sorted({a.article_id for a in articles}),
        P_RUN_DATE: pd.Timestamp(day + PUBLISHED_TOLERANCE),
    }


def build_suites() -> dict[str, gx.ExpectationSuite]:
    return {ARTICLES: article_suite(), ENTITIES: entity_suite(), FIGURES: figure_suite()}


def _frame(rows: list[dict[str, Any]], record_type: type) -> pd.DataFrame:
    """DataFrame with every record column present, even for an empty batch."""
    columns = [ROW_ID, *(f.name for f in fields(record_type))]
    return pd.DataFrame(rows, columns=columns) if rows else pd.DataFrame(columns=columns)


def _with_spans(
    df: pd.DataFrame, records: Sequence[Entity | Figure], texts: dict[str, str]
) -> pd.DataFrame:
    """Add doc_len and span_text (parent article text[start:end]; None when orphaned)."""
    spans: list[str | None] = []
    lengths: list[float | None] = []
    for r in records:
        doc = texts.get(r.article_id)
        ok = doc is not None and isinstance(r.start, int) and isinstance(r.end, int)
        spans.append(doc[r.start : r.end] if ok and r.start >= 0 else None)
        lengths.append(float(len(doc)) if doc is not None else None)
    return df.assign(
        span_text=pd.Series(spans, dtype=object, index=df.index),
        doc_len=pd.Series(lengths, dtype=float, index=df.index),
    )


def build_frames(
    articles: Sequence[Article], entities: Sequence[Entity], figures: Sequence[Figure]
) -> dict[str, pd.DataFrame]:
    """One DataFrame per table: record columns, row_id, and the derived check columns."""
    art = _frame([{ROW_ID: a.article_id, **to_row(a)} for a in articles], Article)
    art["text_sha256"] = [
        hashlib.sha256(t.encode("utf-8")).hexdigest() if isinstance(t, str) else None
        for t in art["text"]
    ]
    art["text_len"] = [len(t) if isinstance(t, str) else None for t in art["text"]]
    art["published"] = pd.to_datetime(art["published"], errors="coerce")
    texts = {a.article_id: a.text for a in articles if isinstance(a.text, str)}
    ent = _frame([{ROW_ID: entity_id(e), **to_row(e)} for e in entities], Entity)
    fig = _frame([{ROW_ID: figure_id(f), **to_row(f)} for f in figures], Figure)
    return {
        ARTICLES: art,
        ENTITIES: _with_spans(ent, entities, texts),
        FIGURES: _with_spans(fig, figures, texts),
    }
