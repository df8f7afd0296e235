"""Small server-side SVG charts for the dashboard and the PDF briefing (WeasyPrint renders SVG; no browser, no node,
no matplotlib), and the colour classes of the regional scores.

Made to be read on paper: every fill also has a pattern or a grey level of its own, so a greyscale print still
tells the bars apart, labels are measured (a CJK character is as wide as the font size) and wrapped rather than
clipped, and the text is 12 px (9 pt) or larger.
"""

from __future__ import annotations

import bisect
import itertools

from django.utils.html import escape
from django.utils.safestring import mark_safe

#: Fills of the bars by meaning: a colour, a grey level distinct in print, and a pattern for the two lower ones.
STYLES = {
    "met": {"fill": "#2e7d32", "pattern": None},
    "near": {"fill": "#f9a825", "pattern": "hatch"},
    "behind": {"fill": "#c62828", "pattern": "dots"},
    "neutral": {"fill": "#546e7a", "pattern": None},
}

#: Sequential palette (ColorBrewer YlGnBu, 5 classes): light to dark, so greyscale keeps the order.
SCORE_PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")


def text_width(text: str, size: float) -> float:
    """Approximate width in px of ``text`` at ``size`` px: CJK and full-width characters are one em, others 0.6."""
    return sum(size if ord(ch) > 0x2E7F else 0.6 * size for ch in text)


def wrap_label(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """``text`` cut into at most ``lines`` lines of ``width`` px (the last one ends in "…" if it still does not
    fit)."""
    out, current = [], ""
    for ch in text:
        if text_width(current + ch, size) > width:
            out.append(current)
            current = ch
            if len(out) == lines:
                break
        else:
            current += ch
    else:
        out.append(current)
        return out
    last = out[-1]
    while last and text_width(last + "…", size) > width:
        last = last[:-1]
    out[-1] = last + "…"
    return out


_ids = itertools.count(1)


def _defs(uid: str) -> str:
    """The two patterns, with ids of this chart's own (several charts share a page)."""
    return (f'<defs><pattern id="{uid}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f9a825"/>'
            '<rect width="2" height="6" fill="#5d4037"/></pattern>'
            f'<pattern id="{uid}-dots" patternUnits="userSpaceOnUse" width="5" height="5"><rect width="5" height="5" '
            'fill="#c62828"/><circle cx="2.5" cy="2.5" r="1.3" fill="#ffffff"/></pattern></defs>')


def _fill(style: str, uid: str) -> str:
    spec = STYLES.get(style, STYLES["neutral"])
    return f"url(#{uid}-{spec['pattern']})" if spec["pattern"] else spec["fill"]


def bar_style(value: float, reference: float | None) -> str:
    """met (at or above the reference), near (at least 80 % of it) or behind; neutral without a reference."""
    if reference is None:
        return "neutral"
    return "met" if value >= reference else ("near" if value >= 0.8 * reference else "behind")


def bar_chart_svg(items, *, unit: str = "", reference: float | None = None, width: int = 640, bar: int = 20,
                  gap: int = 8, font: int = 12, max_label_share: float = 0.42, fills=None, digits: int = 1) -> str:
    """Horizontal bars for ``(label, value)`` pairs, with an optional dashed reference line (e.g. 100 % of target).

    The scale runs from 0 to the largest of the values and the reference. The label column is as wide as the
    longest label (at most ``max_label_share`` of the width); a longer label wraps onto a second line. ``fills``:
    one fill per item (a colour, or a style of :data:`STYLES`); by default the style follows the reference."""
    uid = f"chart{next(_ids)}"
    rows = [(str(label), float(value), (fills[i] if fills else None))
            for i, (label, value) in enumerate(items) if value is not None]
    if not rows:
        return ""
    top = max([v for _, v, _ in rows] + [reference or 0]) or 1.0
    label_width = min(max(text_width(label, font) for label, _, _ in rows) + 10, width * max_label_share)
    value_width = text_width(f"{top:,.{digits}f}{unit}", font) + 8
    plot = width - label_width - value_width
    wrapped = [wrap_label(label, label_width - 10, font) for label, _, _ in rows]
    heights = [max(bar, len(lines) * (font + 2) + 2) for lines in wrapped]
    height = sum(heights) + gap * (len(rows) + 1) + font + 6
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="{font}">',
             _defs(uid)]
    y = gap
    for (_label, value, fill), lines, h in zip(rows, wrapped, heights, strict=True):
        w = max(0.0, value) / top * plot
        if fill is None:
            colour = _fill(bar_style(value, reference), uid)
        else:
            colour = _fill(fill, uid) if fill in STYLES else fill
        mid = y + h / 2
        first = mid - (len(lines) - 1) * (font + 2) / 2 + font / 2 - 2
        for k, line in enumerate(lines):
            parts.append(f'<text x="{label_width - 8:.1f}" y="{first + k * (font + 2):.1f}" '
                         f'text-anchor="end">{escape(line)}</text>')
        parts.append(f'<rect x="{label_width:.1f}" y="{mid - bar / 2:.1f}" width="{w:.1f}" height="{bar}" '
                     f'fill="{colour}" stroke="#263238" stroke-width="0.6"/>')
        parts.append(f'<text x="{label_width + w + 4:.1f}" y="{mid + font / 2 - 2:.1f}">'
                     f'{escape(f"{value:,.{digits}f}{unit}")}</text>')
        y += h + gap
    if reference is not None:
        x = label_width + reference / top * plot
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - font - 4}" stroke="#263238" '
                     'stroke-width="1.2" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 3}" text-anchor="middle">{escape(f"{reference:g}{unit}")}'
                     '</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def legend_svg(entries, *, font: int = 12, width: int = 640) -> str:
    """A legend: ``(style or colour, text)`` pairs, each with its swatch (patterns as in the bars), wrapped onto as
    many lines as the width needs."""
    if not entries:
        return ""
    uid = f"legend{next(_ids)}"
    line_height = font + 10
    items, x, y = [], 0.0, 0
    for fill, text in entries:
        item_width = font + 6 + text_width(text, font) + 18
        if x and x + item_width > width:
            x, y = 0.0, y + line_height
        colour = _fill(fill, uid) if fill in STYLES else fill
        items.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{font + 2}" height="{font}" fill="{colour}" '
                     'stroke="#263238" stroke-width="0.6"/>')
        items.append(f'<text x="{x + font + 6:.1f}" y="{y + font + 1}">{escape(text)}</text>')
        x += item_width
    height = y + line_height
    return mark_safe(f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                     f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="{font}">'
                     + _defs(uid) + "".join(items) + "</svg>")


def score_classes(values, *, palette=SCORE_PALETTE) -> tuple[list[int], list[dict]]:
    """Colour classes over the scores actually present: quantiles of the distinct values, as many classes as the
    palette has (fewer when fewer distinct values exist), so regions that differ get different colours even when
    they all fall in the same tier.

    Returns the class of each value (an index into ``palette``, the lightest class for the lowest scores) and the
    legend: one ``{"colour", "low", "high", "count"}`` per class used, lowest first."""
    values = [float(v) for v in values]
    if not values:
        return [], []
    distinct = sorted(set(round(v, 6) for v in values))
    k = min(len(palette), len(distinct))
    # class breaks: the distinct values split into k groups of (nearly) equal size
    starts = [distinct[(i * len(distinct)) // k] for i in range(k)]
    if k == 1:
        colours = [palette[-1]]
    else:  # spread the used classes over the whole palette, lightest to darkest
        colours = [palette[round(i * (len(palette) - 1) / (k - 1))] for i in range(k)]
    classes = [bisect.bisect_right(starts, round(v, 6)) - 1 for v in values]
    legend = []
    for i in range(k):
        members = [v for v, c in zip(values, classes, strict=True) if c == i]
        legend.append({"colour": colours[i], "low": min(members), "high": max(members), "count": len(members)})
    index = [palette.index(colours[c]) for c in classes]
    return index, legend
