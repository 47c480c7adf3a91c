"""Deterministic row keys shared by validation (quarantine row_key) and the warehouse."""

from __future__ import annotations

import re

from opwatch.records import Entity, Figure


def entity_id(entity: Entity) -> str:
    """One entity mention: article, kind and character span."""
    return f"{entity.article_id}:{entity.kind}:{entity.start}-{entity.end}"


def figure_id(figure: Figure) -> str:
    """One figure: article, role and character span (a span may carry two roles)."""
    return f"{figure.article_id}:{figure.role}:{figure.start}-{figure.end}"


def operation_id(name: str) -> str:
    """Slug of the canonical operation name: 'Operation Rescue' -> 'operation-rescue'."""
    slug = re.sub(r"[^0-9a-z]+", "-", name.casefold()).strip("-")
    return slug or "operation-unnamed"


def operation_name(entity: Entity) -> str:
    """Canonical name of an operation entity, whitespace-normalised."""
    return " ".join((entity.canonical or entity.text).split())
