"""Small server-side SVG charts for the PDF briefing (WeasyPrint renders SVG; no browser, no node, no matplotlib)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe


def bar_chart_svg(items, *, unit: str = "", reference: float | None = None, width: int = 520, bar: int = 18,
                  gap: int = 6, label_width: int = 130) -> str:
    """Horizontal bars for ``(label, value)`` pairs, with an optional dashed reference line (e.g. 100 % of target).
    The scale runs from 0 to the largest of the values and the reference."""
    items = [(str(label), float(value)) for label, value in items if value is not None]
    if not items:
        return ""
    top = max([v for _, v in items] + [reference or 0]) or 1.0
    plot = width - label_width - 60
    height = len(items) * (bar + gap) + gap + 14
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="11">']
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar + gap)
        w = max(0.0, value) / top * plot
        colour = "#2e7d32" if reference is None or value >= reference else ("#f9a825" if value >= 0.8 * reference
                                                                             else "#c62828")
        parts.append(f'<text x="{label_width - 6}" y="{y + bar - 5}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar}" fill="{colour}"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{y + bar - 5}">{value:.1f}{escape(unit)}</text>')
    if reference is not None:
        x = label_width + reference / top * plot
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 12}" stroke="#333" '
                     'stroke-dasharray="4 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 2}" text-anchor="middle">{reference:g}{escape(unit)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
