"""Small inline SVG charts written by hand: no JavaScript, no fonts or files to fetch.

Every chart is a plain <svg> element with a <title> for screen readers; labels are
escaped. They are meant to be inlined into self-contained HTML pages.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

BAR = "#4a6fa5"
ALERT = "#cf222e"
MUTED = "#57606a"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def empty_chart(title: str, note: str = "no data") -> str:
    return (
        f'<svg class="chart" role="img" width="360" height="40" viewBox="0 0 360 40">'
        f"<title>{_esc(title)}: {_esc(note)}</title>"
        f'<text x="4" y="24" fill="{MUTED}" font-size="13">{_esc(note)}</text></svg>'
    )


def hbar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    width: int = 520,
    color: str = BAR,
    max_items: int = 25,
) -> str:
    """Horizontal bars, one per (label, value), in the order given."""
    items = [(str(k), float(v)) for k, v in items][:max_items]
    if not items:
        return empty_chart(title)
    row, label_w, pad = 20, 170, 60
    height = row * len(items) + 8
    top = max(v for _, v in items) or 1.0
    bar_w = width - label_w - pad
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f"<title>{_esc(title)}</title>"
    ]
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = max(1.0, bar_w * value / top) if value > 0 else 0.0
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f"<g><title>{_esc(label)}: {_fmt(value)}</title>"
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{_esc(short)}</text>"
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="{color}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}" font-size="12" fill="{MUTED}">'
            f"{_fmt(value)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    width: int = 640,
    height: int = 180,
    color: str = BAR,
) -> str:
    """Vertical columns (a time series or a histogram); first and last labels shown."""
    items = [(str(k), float(v)) for k, v in items]
    if not items:
        return empty_chart(title)
    left, bottom, top_pad = 40, 34, 10
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = max(v for _, v in items) or 1.0
    step = plot_w / len(items)
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f"<title>{_esc(title)}</title>"
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 8}" y2="{top_pad + plot_h}" '
        f'stroke="{MUTED}"/>'
        f'<text x="{left - 4}" y="{top_pad + 10}" text-anchor="end" font-size="11" '
        f'fill="{MUTED}">{_fmt(top)}</text>'
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" font-size="11" '
        f'fill="{MUTED}">0</text>'
    ]
    for i, (label, value) in enumerate(items):
        h = plot_h * value / top
        x = left + i * step
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{top_pad + plot_h - h:.1f}" '
            f'width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{color}">'
            f"<title>{_esc(label)}: {_fmt(value)}</title></rect>"
        )
    for i in sorted({0, len(items) - 1}):
        anchor = "start" if i == 0 else "end"
        x = left if i == 0 else width - 8
        parts.append(
            f'<text x="{x}" y="{height - 12}" text-anchor="{anchor}" font-size="11" '
            f'fill="{MUTED}">{_esc(items[i][0])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def sparkline(values: Sequence[float], width: int = 90, height: int = 20) -> str:
    """A tiny trend line (oldest first) for tables; empty for fewer than two values."""
    values = [float(v) for v in values]
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(values) - 1)
    points = " ".join(
        f"{2 + i * step:.1f},{height - 2 - (height - 4) * (v - lo) / span:.1f}"
        for i, v in enumerate(values)
    )
    return (
        f'<svg class="spark" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
        f"<title>trend: {_esc(', '.join(_fmt(v) for v in values))}</title>"
        f'<polyline points="{points}" fill="none" stroke="{BAR}" stroke-width="1.5"/></svg>'
    )


def timeline(title: str, events: Sequence[tuple[str, str]], width: int = 720) -> str:
    """Dots on a date axis, one per (ISO date, label); labels stacked under the axis."""
    dated = sorted((d, label) for d, label in events if d)
    if not dated:
        return empty_chart(title, "no publication dates")
    from datetime import date

    days = [date.fromisoformat(d[:10]) for d, _ in dated]
    first, last = days[0], days[-1]
    span = max((last - first).days, 1)
    left, right, axis_y, row = 20, 20, 24, 16
    height = axis_y + 14 + row * len(dated)
    plot_w = width - left - right
    parts = [
        f'<svg class="chart timeline" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{_esc(title)}</title>'
        f'<line x1="{left}" y1="{axis_y}" x2="{width - right}" y2="{axis_y}" stroke="{MUTED}"/>'
        f'<text x="{left}" y="12" font-size="11" fill="{MUTED}">{first.isoformat()}</text>'
        f'<text x="{width - right}" y="12" font-size="11" text-anchor="end" fill="{MUTED}">'
        f"{last.isoformat()}</text>"
    ]
    for i, (day, (iso, label)) in enumerate(zip(days, dated, strict=True)):
        x = left + plot_w * (day - first).days / span
        y = axis_y + 14 + i * row
        anchor = "end" if x > width / 2 else "start"
        dx = -6 if anchor == "end" else 6
        parts.append(
            f"<g><title>{_esc(iso)}: {_esc(label)}</title>"
            f'<circle cx="{x:.1f}" cy="{axis_y}" r="5" fill="{BAR}"/>'
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{y - 4}" stroke="#c8d1dc"/>'
            f'<text x="{x + dx:.1f}" y="{y}" font-size="11" text-anchor="{anchor}">'
            f"{_esc(iso[:10])} {_esc(label[:60])}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
