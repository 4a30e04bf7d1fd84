"""Geometry for the server-rendered SVG bar charts: one horizontal bar per row of a
published table. A hidden or small cell gets no bar, only its label ("<5", "hidden"),
so the picture shows exactly what the table shows."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480
LABEL_W = 150
VALUE_W = 70
ROW_H = 26
BAR_H = 18
PAD = 6


@dataclass
class Bar:
    label: str
    display: str
    y: int
    width: float
    state: str

    @property
    def text_y(self) -> int:
        return self.y + BAR_H - 5

    @property
    def value_x(self) -> float:
        return LABEL_W + self.width + 6


@dataclass
class Chart:
    title: str
    description: str
    bars: list[Bar]
    height: int
    width: int = WIDTH
    label_w: int = LABEL_W
    bar_h: int = BAR_H


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def chart(table: dict, year: int) -> Chart | None:
    rows = table.get("rows") or []
    if not rows:
        return None
    rates = table.get("kind") == "rates"
    values = [r["value"] for r in rows if r.get("value") is not None]
    top = 100.0 if rates else float(max(values, default=0))
    span = WIDTH - LABEL_W - VALUE_W
    bars = []
    for i, row in enumerate(rows):
        value = row.get("value")
        width = span * value / top if value is not None and top > 0 else 0.0
        bars.append(Bar(_short(row["label"]), row["display"], PAD + i * ROW_H, width, row["state"]))
    described = "; ".join(f"{r['label']}: {r['display']}" for r in rows)
    return Chart(
        title=f"{table['title']}, {year}",
        description=f"Bar chart. {described}. The table below has the same figures.",
        bars=bars,
        height=PAD * 2 + len(rows) * ROW_H,
    )
