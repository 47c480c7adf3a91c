"""Shared pieces of every page: CSS, escaping, tables and evidence with the span marked."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from opwatch.text import sentence_spans

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1d2430;
max-width:80rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0;min-width:40%}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:600}
.err{color:#9a6700;font-weight:600}.muted{color:#57606a}
.status{font-size:1.05rem;padding:.5rem .75rem;border-radius:6px;display:inline-block}
.status.ok{background:#dafbe1}.status.bad{background:#ffebe9}
pre{white-space:pre-wrap;word-break:break-all;margin:0;font-size:12px;max-width:70rem}
mark.span{background:#fff8c5;border-bottom:2px solid #d4a72c;padding:0 1px}
.evidence{max-width:48rem}.conflict{background:#ffebe9}
.charts{display:flex;flex-wrap:wrap;gap:1rem 2.5rem}.charts figure{margin:0}
figcaption{font-weight:600;margin-bottom:.25rem}
svg text{font-family:system-ui,sans-serif}
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def page(title: str, body: str) -> str:
    """One self-contained HTML document (inline CSS, no scripts)."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>\n{body}\n</body></html>\n"
    )


def table(
    headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int] = frozenset(), **attrs
) -> str:
    """An HTML table; cells are HTML already (escape data with esc first)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    extra = "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in attrs.items())
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table{extra}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def sentence_bounds(text: str, start: int, end: int, limit: int = 300) -> tuple[int, int]:
    """The sentence around text[start:end] (opwatch.text's splitter), read within `limit`
    characters either side so a one-line file stays cheap."""
    lo, hi = max(0, start - limit), min(len(text), end + limit)
    for s, e in sentence_spans(text[lo:hi]):
        if s <= start - lo < e:
            return lo + s, max(lo + e, end)
    return start, end


def evidence(
    text: str | None,
    start: int,
    end: int,
    sentence_start: int | None = None,
    sentence_end: int | None = None,
) -> str:
    """The sentence with text[start:end] wrapped in <mark class="span">, all escaped."""
    if not text or not (0 <= start <= end <= len(text)):
        return '<span class="muted">(no text to show)</span>'
    if (
        sentence_start is None
        or sentence_end is None
        or not (0 <= sentence_start <= start and end <= sentence_end <= len(text))
    ):
        sentence_start, sentence_end = sentence_bounds(text, start, end)
    before = text[sentence_start:start]
    span = text[start:end]
    after = text[end:sentence_end]
    return (
        f'<span class="evidence">{esc(before)}<mark class="span">{esc(span)}</mark>'
        f"{esc(after)}</span>"
    )


def safe_link(url: str | None, label: str) -> str:
    """A link to an article's own page (http/https only); plain text otherwise."""
    if url and urlsplit(url).scheme in {"http", "https"}:
        return f'<a href="{esc(url)}" rel="noreferrer noopener">{esc(label)}</a>'
    return esc(label)


def fmt_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    if isinstance(value, int):
        return f"{value:,}"
    return esc(value)
