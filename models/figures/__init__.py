"""Figures: every count in an article, parsed, qualified, given a role and a scope.

`extract_figures(text, article_id, method)` is the public entry point; `method` is the
role classifier by name (transformer | rules, see Settings.role_classifier).
"""

from __future__ import annotations

from opwatch.models.figures.extract import METHODS, extract_figures
from opwatch.models.figures.numbers import ParsedNumber, parse_number, scan_numbers

__all__ = ["METHODS", "ParsedNumber", "extract_figures", "parse_number", "scan_numbers"]
