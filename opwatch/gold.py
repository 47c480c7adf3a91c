"""Turn one article's extraction into a line of the gold format (GOLD_FORMAT.md)."""

from __future__ import annotations

from typing import Any

from opwatch.records import Entity, Extraction, Figure


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value not in seen:
            seen[value] = None
    return list(seen)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _figure(figure: Figure) -> dict[str, Any]:
    item: dict[str, Any] = {
        "role": figure.role,
        "value": _number(figure.value),  # type: ignore[arg-type]
        "qualifier": figure.qualifier,
        "scope": figure.scope_code or figure.scope_text or "worldwide",
    }
    if figure.unit:
        item["unit"] = figure.unit
    return item


def _of_kind(entities: list[Entity], kind: str, attr: str = "canonical") -> list[str]:
    return _unique([getattr(e, attr) or "" for e in entities if e.kind == kind])


def figure_items(figures: list[Figure]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Gold-format `figures` (operation counts with a value) and `redacted` lists."""
    reported = [f for f in figures if f.role != "other"]
    seen: set[tuple[str, float, str]] = set()
    items = []
    for figure in reported:
        if figure.redacted or figure.value is None:
            continue
        key = (figure.role, figure.value, figure.scope_code or figure.scope_text or "")
        if key not in seen:
            seen.add(key)
            items.append(_figure(figure))
    redacted = [{"role": f.role, "text": f.text} for f in reported if f.redacted]
    return items, redacted


def to_gold(doc: str, extraction: Extraction | None) -> dict[str, Any]:
    """One gold-format record; an article that failed to clean gives an empty record."""
    record: dict[str, Any] = {
        "doc": doc,
        "published": None,
        "operations": [],
        "countries": [],
        "agencies": [],
        "persons": [],
        "figures": [],
        "redacted": [],
    }
    if extraction is None:
        return record
    published = extraction.article.published
    entities = extraction.entities
    gold_figures, redacted = figure_items(extraction.figures)
    record.update(
        published=published.isoformat() if published else None,
        operations=_of_kind(entities, "operation"),
        countries=_of_kind(entities, "country", "code"),
        agencies=_of_kind(entities, "agency"),
        persons=_of_kind(entities, "person"),
        figures=gold_figures,
        redacted=redacted,
    )
    return record
