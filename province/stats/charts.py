"""Server-rendered SVG charts: geometry computed here, drawn by ``stats/_chart_*.html``.

No chart library and no script: the SVG scales with its ``viewBox`` (readable on a 375 px
phone), each chart has a title and a description for screen readers, and every figure is
also in a table next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .selectors import Figures, Group

COLOURS = {
    # all at least 4.5:1 against white, so they can also colour text
    "received": "#1a56db",
    "on_time": "#1b5e20",
    "late": "#b00020",
    "open": "#7a5c00",
    "closed": "#555555",
    "rating": "#6a1b9a",
}


def n(value: float) -> str:
    """A coordinate as SVG wants it (a dot, never the locale's decimal comma); done here
    rather than with template filters, which cost more than the rest of the chart."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    colour: str
    value: int
    title: str


@dataclass(frozen=True)
class Tick:
    y: str
    value: int


@dataclass(frozen=True)
class SlotLabel:
    x: str
    text: str


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    plot_top: int
    plot_bottom: int
    plot_left: int
    plot_right: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[SlotLabel]


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude: int = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return value


def columns(series: list[Group], *, received_label: str, on_time_label: str, late_label: str) -> ColumnChart:
    """Per slot: a "received" column and a "resolved" column stacked on time / late."""
    width, height = 640, 280
    left, right, top, bottom = 48, 632, 12, 236
    peak = max([max(g.figures.received, g.figures.done) for g in series] + [0])
    top_value = _nice_max(peak)
    slot = (right - left) / max(len(series), 1)
    bar_w = max(min(slot * 0.38, 22), 1.5)
    scale = (bottom - top) / top_value
    bars: list[Bar] = []
    labels: list[SlotLabel] = []
    every = max(1, math.ceil(len(series) / 12))
    for i, group in enumerate(series):
        f: Figures = group.figures
        x0 = left + i * slot + (slot - 2 * bar_w) / 2
        h = f.received * scale
        bars.append(
            Bar(
                n(x0),
                n(bottom - h),
                n(bar_w),
                n(h),
                COLOURS["received"],
                f.received,
                f"{group.label} – {received_label}",
            )
        )
        h_on = f.done_on_time * scale
        bars.append(
            Bar(
                n(x0 + bar_w),
                n(bottom - h_on),
                n(bar_w),
                n(h_on),
                COLOURS["on_time"],
                f.done_on_time,
                f"{group.label} – {on_time_label}",
            )
        )
        h_late = f.done_late * scale
        bars.append(
            Bar(
                n(x0 + bar_w),
                n(bottom - h_on - h_late),
                n(bar_w),
                n(h_late),
                COLOURS["late"],
                f.done_late,
                f"{group.label} – {late_label}",
            )
        )
        if i % every == 0:
            labels.append(SlotLabel(n(left + i * slot + slot / 2), group.label))
    ticks = [Tick(n(bottom - (top_value * k / 4) * scale), round(top_value * k / 4)) for k in range(5)]
    return ColumnChart(width, height, top, bottom, left, right, bars, ticks, labels)


@dataclass(frozen=True)
class Segment:
    label: str
    value: int
    pct: float
    x: str
    width: str
    colour: str


def share_bar(parts: list[tuple[str, int, str]], *, width: int = 600) -> list[Segment]:
    """One horizontal bar split into parts (label, value, colour key) by share."""
    total = sum(value for _, value, _ in parts)
    out: list[Segment] = []
    x = 0.0
    for label, value, colour in parts:
        share = value / total if total else 0.0
        out.append(Segment(label, value, round(100 * share, 1), n(x), n(share * width), COLOURS[colour]))
        x += share * width
    return out


@dataclass(frozen=True)
class Row:
    label: str
    value: int
    pct: float | None
    y: int
    width: str
    text_x: str


def horizontal(rows: list[tuple[str, int, float | None]], *, width: int = 360, row_height: int = 30) -> list[Row]:
    peak = max([value for _, value, _ in rows] + [1])
    return [
        Row(label, value, pct, i * row_height, n((value / peak) * width), n((value / peak) * width + 176))
        for i, (label, value, pct) in enumerate(rows)
    ]
