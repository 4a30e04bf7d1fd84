"""The evaluation report: HTML (inline SVG maps, tables, bias report, model card) and PDF."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from .bias import BiasReport, model_card_text

BUDGETS = (0.25, 0.5, 0.75)
CSS = """body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;color:#111}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #999;padding:.25rem .5rem;
text-align:right}th{background:#eee}td.l,th.l{text-align:left}figure{display:inline-block;
margin:0 1rem 1rem 0}pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}"""


def _f(v, fmt="{:.2f}") -> str:
    return "n/a" if v is None or (isinstance(v, float) and not np.isfinite(v)) else fmt.format(v)


def table_rows(rows) -> list[list[str]]:
    out = []
    for r in rows:
        cells = [
            r["category"],
            str(r["horizon"]),
            r["method"] + (f" ({r['picked']})" if r.get("picked") else ""),
            str(r["origins"]),
            str(r["window_days"]),
            str(r["incidents"]),
        ]
        for b in BUDGETS:
            q = r[b]
            cells.append(f"{_f(q['pai'])} [{_f(q['lo'])} to {_f(q['hi'])}]")
        q = r[0.75]
        cells += [_f(q["hit_rate"], "{:.3f}"), _f(q["pei"]), _f(r.get("ratio"))]
        out.append(cells)
    return out


HEAD = [
    "Category",
    "Horizon",
    "Method",
    "Origins",
    "Window (days)",
    "Incidents",
    # PAI's study area is the active cells (any call before the test period) unless
    # evaluate was given --study-area-sq-mi; the report's notes say which.
    "PAI (study area) 0.25 sq mi [95% CI]",
    "PAI 0.5",
    "PAI 0.75",
    "Hit rate 0.75",
    "PEI 0.75",
    "PAI 0.75 / best baseline",
]


def svg_map(grid, scores, test_cells, k: int, title: str, size: int = 360) -> str:
    """Flagged cells (top k) in dark red over the test incidents (grey dots), no tiles."""
    scale = size / max(grid.nx, grid.ny)
    w, h = grid.nx * scale, grid.ny * scale
    order = np.argsort(-np.asarray(scores), kind="stable")[:k]
    parts = [
        f'<svg role="img" aria-label="{html.escape(title)}" width="{w:.0f}" '
        f'height="{h:.0f}" viewBox="0 0 {w:.1f} {h:.1f}" style="background:#f4f4f0">'
    ]
    counts = np.bincount(test_cells[test_cells >= 0], minlength=grid.n)
    for cell in np.flatnonzero(counts):
        cx, cy = (cell % grid.nx + 0.5) * scale, h - (cell // grid.nx + 0.5) * scale
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="1.2" fill="#666"/>')
    for cell in order:
        x0, y0 = (cell % grid.nx) * scale, h - (cell // grid.nx + 1) * scale
        parts.append(
            f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(scale, 1.5):.1f}" '
            f'height="{max(scale, 1.5):.1f}" fill="#a00" fill-opacity=".8"/>'
        )
    parts.append("</svg>")
    return f"<figure>{''.join(parts)}<figcaption>{html.escape(title)}</figcaption></figure>"


def bias_html(category: str, b: BiasReport, top: int = 12) -> str:
    rate = "no previous period" if b.repeat_flag_rate is None else f"{b.repeat_flag_rate:.0%}"
    rows = "".join(
        f"<tr><td class=l>{html.escape(r['unit'])}</td><td>{r['flagged_cells']}</td>"
        f"<td>{r['flagged_area_share']:.1%}</td><td>{r['incident_share']:.1%}</td>"
        f"<td>{_f(r['ratio'])}</td></tr>"
        for r in b.rows[:top]
    )
    notes = "".join(f"<p>{html.escape(n)}</p>" for n in b.notes)
    return (
        f"<h3>{html.escape(category)}: where the flagged cells fall</h3>"
        f"<p>{b.flagged_cells} flagged cells; repeat-flagging rate: {rate}.</p>{notes}"
        "<table><tr><th class=l>Area unit</th><th>Flagged cells</th>"
        "<th>Share of flagged area</th><th>Share of incidents</th><th>Ratio</th></tr>"
        f"{rows}</table>"
    )


def write_html(
    path: Path, *, title: str, result: dict, maps: list[str], bias: list[str], notes: list[str]
) -> None:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEAD)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=l' if i < 3 else ''}>{html.escape(c)}</td>" for i, c in enumerate(row)
        )
        + "</tr>"
        for row in table_rows(result["rows"])
    )
    doc = (
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{html.escape(title)}"
        f"</title><style>{CSS}</style><body><h1>{html.escape(title)}</h1>"
        + "".join(f"<p>{html.escape(n)}</p>" for n in notes)
        + f"<h2>Backtest</h2><table><tr>{head}</tr>{body}</table>"
        + "<h2>Maps</h2>"
        + "".join(maps)
        + "<h2>Bias and validity</h2>"
        + "".join(bias)
        + f"<h2>Model card</h2><pre>{html.escape(model_card_text())}</pre></body></html>"
    )
    path.write_text(doc, encoding="utf-8")


def write_pdf(path: Path, *, title: str, result: dict, notes: list[str]) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, Preformatted, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    story = [Paragraph(html.escape(title), styles["Title"])]
    story += [Paragraph(html.escape(n), styles["BodyText"]) for n in notes]
    data = [HEAD, *table_rows(result["rows"])]
    t = Table(data, repeatRows=1)
    t.setStyle(
        [
            ("FONTSIZE", (0, 0), (-1, -1), 6.5),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
        ]
    )
    story += [
        Spacer(1, 12),
        t,
        Spacer(1, 12),
        Paragraph("Model card", styles["Heading2"]),
        Preformatted(model_card_text(), styles["Code"]),
    ]
    SimpleDocTemplate(str(path), pagesize=landscape(letter)).build(story)
