"""The redaction review log as a short PDF (reportlab): what was hidden, how, who approved.

It summarises the JSON review log (services.review_log) and names that JSON's SHA-256,
so the page a records officer hands over can be tied to the full log and the files.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

MAX_TRACK_ROWS = 200  # the JSON log lists them all


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=15, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=11, spaceBefore=8),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=8.5, leading=11),
        "mono": ParagraphStyle("m", parent=base["Code"], fontName="Courier", fontSize=7),
    }


def _grid(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa4b2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
    table.setStyle(TableStyle(style))
    return table


def _person(who: dict[str, str] | None) -> str:
    return f"{who['name']} ({who['username']}, {who['role']})" if who else "—"


def render(log: dict[str, Any], log_sha256: str) -> bytes:
    s = _styles()
    width = A4[0] - 30 * mm
    approval, method, summary = log["approval"], log["method"], log["summary"]

    def p(text: object, style: str = "body") -> Paragraph:
        return Paragraph(escape(str(text)), s[style])

    facts = [
        ("Item", f"{log['item']['title']} ({log['item']['id']})"),
        ("Original SHA-256", log["original"]["sha256"]),
        ("Redacted SHA-256", log["output"]["sha256"]),
        ("Plan", f"#{log['plan']['number']}, SHA-256 {log['plan']['sha256']}"),
        ("Review log (JSON) SHA-256", log_sha256),
        ("Requested by", f"{_person(approval['requested_by'])} at {approval['requested_at']}"),
        ("Approved by", f"{_person(approval['approved_by'])} at {approval['approved_at']}"),
        ("Method", f"{method['mode']}, margin {method['margin']} of the box on each side"),
        ("Engine", f"{log['engine']} · made {log['made_at']}"),
    ]
    detectors = (method.get("detection") or {}).get("detectors") or []
    for d in detectors:
        facts.append(
            (
                f"Detector ({d.get('label', '')})",
                f"{d.get('detector')} threshold {d.get('threshold')} at {d.get('scale')}"
                + (f", model SHA-256 {d['model_sha256']}" if d.get("model_sha256") else ""),
            )
        )
    mono = {"Original SHA-256", "Redacted SHA-256", "Review log (JSON) SHA-256"}
    story: list[Any] = [
        p("Redaction review log", "title"),
        p(
            f"{summary['tracks_included']} of {summary['tracks']} tracks redacted "
            f"({summary['manual_tracks']} drawn by hand), {summary['whole_frame_ranges']} "
            f"whole-frame range(s), {summary['audio_ranges']} audio range(s). The original "
            "was not changed; the redacted file is a new file with its own SHA-256."
        ),
        Spacer(1, 3 * mm),
        _grid(
            [[p(k), p(v, "mono" if k in mono else "body")] for k, v in facts],
            [45 * mm, width - 45 * mm],
            header=False,
        ),
        p("Tracks", "h2"),
    ]
    rows = [[p(h) for h in ("Track", "Label", "Source", "Redacted", "Decided by", "Time (s)")]]
    for t in log["tracks"][:MAX_TRACK_ROWS]:
        rows.append(
            [
                p(t["id"]),
                p(t["label"]),
                p(t["source"]),
                p("yes" if t["included"] else "no (excluded)"),
                p(t["decided_by"] or "automatic"),
                p(f"{t['from_s']} to {t['to_s']}" if t["frames"] else "—"),
            ]
        )
    if len(log["tracks"]) > MAX_TRACK_ROWS:
        rows.append([p(f"… {len(log['tracks']) - MAX_TRACK_ROWS} more in the JSON log")] + [""] * 5)
    story.append(_grid(rows, [25 * mm, 20 * mm, 18 * mm, 25 * mm, 35 * mm, width - 123 * mm]))
    ranges = [
        f"frames {r['start_frame']} to {r['end_frame']}: {r['mode']}" for r in log["whole_frame"]
    ]
    ranges += [f"audio {r['start_s']} s to {r['end_s']} s: {r['mode']}" for r in log["audio"]]
    if ranges:
        story += [p("Whole-frame and audio ranges", "h2"), *(p(r) for r in ranges)]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title="Redaction review log",
    )
    doc.build(story)
    return out.getvalue()
