"""Geometry for the server-rendered SVG bar charts: one horizontal bar per row of a
published table, its label on its own line above the bar (wrapped, never shrunk) so
the chart reads on a phone. A hidden or small cell gets no bar, only its label ("<5",
"hidden"), so the picture shows exactly what the table shows.

The viewBox is narrow (320 units, about a phone's width) and the stylesheet caps the
drawn width, so 13-unit text is drawn at roughly 13 to 17 px on any screen."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

WIDTH = 320
VALUE_W = 64  # room right of the longest bar for "1,234" or "hidden"
LINE_H = 16  # one line of label text
BAR_H = 14
GAP = 10  # between rows
PAD = 4
LABEL_CHARS = 40  # about what fits in 320 units at 13-unit text
INLINE_CHARS = 12  # labels this short (months, sexes) sit left of their bar instead
CHAR_W = 7.5  # a generous average width of one character at 13-unit text


@dataclass
class Bar:
    label: str
    display: str
    y: int  # the bar's top
    width: float
    state: str
    lines: list[tuple[str, int]]  # the label's lines and their baselines

    @property
    def text_y(self) -> int:
        return self.y + BAR_H - 3

    x: float = 0  # where the bar starts

    @property
    def value_x(self) -> float:
        return self.x + self.width + 6


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_w: int = 0  # where bars start: 0 when labels sit above them
    bar_h: int = BAR_H


def _lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) > 2:  # two lines at most; the table below has the full label
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), LABEL_CHARS, placeholder="…")]
    return lines


def chart(table: dict, year: int) -> Chart | None:
    rows = table.get("rows") or []
    if not rows:
        return None
    rates = table.get("kind") == "rates"
    values = [r["value"] for r in rows if r.get("value") is not None]
    top = 100.0 if rates else float(max(values, default=0))
    inline = max(len(r["label"]) for r in rows) <= INLINE_CHARS
    label_w = round(CHAR_W * max(len(r["label"]) for r in rows)) + 8 if inline else 0
    span = WIDTH - VALUE_W - label_w
    bars, y = [], PAD
    for row in rows:
        value = row.get("value")
        width = span * value / top if value is not None and top > 0 else 0.0
        if inline:
            placed = [(row["label"], y + BAR_H - 3)]
        else:
            lines = _lines(row["label"])
            placed = [(text, y + LINE_H * (i + 1) - 4) for i, text in enumerate(lines)]
            y += LINE_H * len(lines)
        bars.append(Bar(row["label"], row["display"], y, width, row["state"], placed, label_w))
        y += BAR_H + (6 if inline else GAP)
    described = "; ".join(f"{r['label']}: {r['display']}" for r in rows)
    return Chart(
        title=f"{table['title']}, {year}",
        description=f"Bar chart. {described}. The table below has the same figures.",
        bars=bars,
        height=y - (6 if inline else GAP) + PAD,
        label_w=label_w,
    )
