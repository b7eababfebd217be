"""Charts for the mining report as inline SVG: the report is one file that opens anywhere,
offline, with nothing fetched. Pure."""

from __future__ import annotations

from html import escape

_ROW = 22
_LABEL = 220
_PLOT = 360
_PAD = 8


def lift_bars(rows: list[dict], *, colour: str = "#c0392b") -> str:
    """Horizontal bars of lift with the interval as a whisker and a line at lift 1 (no
    difference); rows are lift_row dicts."""
    if not rows:
        return ""
    top = max(max(r["high"] for r in rows), max(r["lift"] for r in rows), 1.0)
    scale = _PLOT / top
    height = _ROW * len(rows) + 2 * _PAD
    width = _LABEL + _PLOT + 90
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">'
    ]
    for i, r in enumerate(rows):
        y = _PAD + i * _ROW
        label = r["item"] if len(r["item"]) <= 16 else r["item"][:15] + "…"
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"<title>{escape(r['item'])}</title>{escape(label)}</text>"
        )
        parts.append(
            f'<rect x="{_LABEL}" y="{y + 4}" width="{r["lift"] * scale:.1f}" height="{_ROW - 8}" '
            f'fill="{colour}" opacity="0.75"/>'
        )
        low, high = _LABEL + r["low"] * scale, _LABEL + r["high"] * scale
        mid = y + _ROW / 2
        parts.append(
            f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{mid}" y2="{mid}" stroke="#333"/>'
            f'<line x1="{low:.1f}" x2="{low:.1f}" y1="{mid - 4}" y2="{mid + 4}" stroke="#333"/>'
            f'<line x1="{high:.1f}" x2="{high:.1f}" y1="{mid - 4}" y2="{mid + 4}" stroke="#333"/>'
        )
        parts.append(
            f'<text x="{_LABEL + _PLOT + 6}" y="{y + 15}" font-size="11">'
            f"{r['lift']:.2f} (n={r['n']})</text>"
        )
    one = _LABEL + scale
    parts.append(
        f'<line x1="{one:.1f}" x2="{one:.1f}" y1="0" y2="{height}" stroke="#777" '
        'stroke-dasharray="3,3"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def count_bars(rows: list[tuple[str, int]], *, colour: str = "#2f6fad") -> str:
    """Horizontal bars of counts, labelled."""
    if not rows:
        return ""
    top = max(n for _, n in rows) or 1
    height = _ROW * len(rows) + 2 * _PAD
    width = _LABEL + _PLOT + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" class="chart">'
    ]
    for i, (label, n) in enumerate(rows):
        y = _PAD + i * _ROW
        parts.append(
            f'<text x="{_LABEL - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{_LABEL}" y="{y + 4}" width="{n / top * _PLOT:.1f}" height="{_ROW - 8}" '
            f'fill="{colour}" opacity="0.75"/>'
            f'<text x="{_LABEL + n / top * _PLOT + 4:.1f}" y="{y + 15}" font-size="11">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
