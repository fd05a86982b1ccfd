"""Bar charts as inline SVG, drawn on the server: no chart library, no external service, and
each chart comes with the table it was drawn from (the accessible version)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 28, 36


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int]
    colour: str


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    label: Callable[[int], str] = str,
    stacked: bool = True,
) -> SafeString:
    """Bars per category: stacked (one bar, a segment per series) or side by side."""
    n = max(len(categories), 1)
    totals = [
        sum(s.values[i] for s in series)
        if stacked
        else max((s.values[i] for s in series), default=0)
        for i in range(len(categories))
    ]
    top = _nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / n
    bar_w = slot * (0.6 if stacked else 0.7 / max(len(series), 1))
    parts = [
        f'<svg class="revenue-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="system-ui, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):  # grid lines and their values
        value = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ccc" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{escape(label(int(value)))}</text>'
        )
    for i, category in enumerate(categories):
        x0 = LEFT + slot * i + (slot - (bar_w if stacked else bar_w * len(series))) / 2
        base = 0
        for k, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / top if top else 0
            if stacked:
                x, y = x0, TOP + plot_h - plot_h * base / top - h
                base += value
            else:
                x, y = x0 + k * bar_w, TOP + plot_h - h
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{s.colour}">'
                    f"<title>{escape(category)}: {escape(s.label)} {escape(label(value))}</title></rect>"
                )
        parts.append(
            f'<text x="{LEFT + slot * i + slot / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" '
            f'text-anchor="middle" fill="#333">{escape(category)}</text>'
        )
    x = LEFT
    for s in series:  # legend
        parts.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{s.colour}"/>'
            f'<text x="{x + 16}" y="18" fill="#333">{escape(s.label)}</text>'
        )
        x += 24 + 7 * len(s.label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
