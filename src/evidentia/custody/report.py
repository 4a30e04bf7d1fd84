"""The custody report PDF (reportlab): metadata, hashes, every ledger event, derived
files, and the signed checkpoint with an inclusion proof, so a reader can check the
record without trusting the agency's database."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

MONO = "Courier"


@dataclass
class ItemSection:
    title: str
    fields: list[tuple[str, str]]
    derivatives: list[tuple[str, str, str]] = field(default_factory=list)  # kind, sha256, size


@dataclass
class EventRow:
    seq: int
    time: str
    what: str
    actor: str
    outcome: str
    subject: str
    leaf_hash: str


@dataclass
class Proof:
    seq: int
    tree_size: int
    leaf_hash: str
    path: list[str]
    checkpoint_note: str
    verifier_key: str


@dataclass
class Report:
    title: str
    agency: str
    generated: str
    generated_by: str
    items: list[ItemSection]
    events: list[EventRow]
    proof: Proof | None


def styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontSize=16, spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontSize=12, spaceBefore=10),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontSize=9, leading=12),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontSize=7.5, leading=9),
        "mono": ParagraphStyle("m", parent=base["Code"], fontName=MONO, fontSize=7, leading=8.5),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def grid(rows: list[list[object]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa4b2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
    table.setStyle(TableStyle(style))
    return table


def _footer(canvas: object, doc: object) -> None:
    canvas.saveState()  # type: ignore[attr-defined]
    canvas.setFont("Helvetica", 7)  # type: ignore[attr-defined]
    canvas.drawString(15 * mm, 8 * mm, f"Evidentia · {doc.title}")  # type: ignore[attr-defined]
    canvas.drawRightString(  # type: ignore[attr-defined]
        A4[0] - 15 * mm,
        8 * mm,
        f"page {doc.page}",  # type: ignore[attr-defined]
    )
    canvas.restoreState()  # type: ignore[attr-defined]


def render(report: Report) -> bytes:
    s = styles()
    width = A4[0] - 30 * mm
    story: list[object] = [
        _p(report.title, s["title"]),
        _p(f"{report.agency} · generated {report.generated} by {report.generated_by}", s["body"]),
        Spacer(1, 4 * mm),
    ]
    for section in report.items:
        rows = [
            [_p(k, s["cell"]), _p(v, s["mono"] if k == "SHA-256" else s["cell"])]
            for k, v in section.fields
        ]
        block: list[object] = [
            _p(section.title, s["h2"]),
            grid(rows, [35 * mm, width - 35 * mm], header=False),
        ]
        if section.derivatives:
            drows: list[list[object]] = [
                [_p(h, s["cell"]) for h in ("Derived file", "SHA-256", "Size")]
            ]
            drows += [
                [_p(k, s["cell"]), _p(h, s["mono"]), _p(z, s["cell"])]
                for k, h, z in section.derivatives
            ]
            block += [Spacer(1, 2 * mm), grid(drows, [25 * mm, width - 50 * mm, 25 * mm])]
        story.append(KeepTogether(block))
    story.append(_p(f"Custody events ({len(report.events)})", s["h2"]))
    erows: list[list[object]] = [
        [
            _p(h, s["cell"])
            for h in ("#", "Time (UTC)", "Event", "By", "Outcome", "Item", "Leaf hash")
        ]
    ]
    erows += [
        [
            _p(str(e.seq), s["cell"]),
            _p(e.time, s["cell"]),
            _p(e.what, s["cell"]),
            _p(e.actor, s["cell"]),
            _p(e.outcome, s["cell"]),
            _p(e.subject, s["mono"]),
            _p(e.leaf_hash, s["mono"]),
        ]
        for e in report.events
    ]
    story.append(
        grid(erows, [10 * mm, 28 * mm, 38 * mm, 25 * mm, 15 * mm, 20 * mm, width - 136 * mm])
    )
    if report.proof is not None:
        p = report.proof
        story += [
            _p("Signed checkpoint and inclusion proof", s["h2"]),
            _p(
                f"The last event above (#{p.seq}) is leaf {p.seq} of the agency's custody log, "
                f"whose signed checkpoint at size {p.tree_size} follows. To check it: compute "
                "SHA-256(0x00 || event JSON), fold the audit path as RFC 9162 section 2.1.3.2 "
                "describes, compare with the checkpoint's root hash, and verify the checkpoint's "
                "Ed25519 signature with the verifier key (also published at "
                "/api/v1/custody/key). `evidentia custody verify` checks the whole log.",
                s["body"],
            ),
            Spacer(1, 2 * mm),
            Preformatted(p.checkpoint_note, s["mono"]),
            _p(f"Verifier key: {p.verifier_key}", s["mono"]),
            _p(f"Leaf hash #{p.seq}: {p.leaf_hash}", s["mono"]),
            _p("Audit path (leaf to root, base64):", s["body"]),
            Preformatted("\n".join(p.path) or "(empty: a one-leaf tree)", s["mono"]),
        ]
    return build(story, report.title, report.agency)


def build(story: list[object], title: str, author: str = "") -> bytes:
    """An A4 PDF of `story` with page numbers; shared by Evidentia's reports."""
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        author=author,
    )
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)  # type: ignore[arg-type]
    return out.getvalue()
