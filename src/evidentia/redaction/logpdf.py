"""The redaction review log as a short PDF (reportlab): what was hidden, how, who approved.

It summarises the JSON review log (services.review_log) and names that JSON's SHA-256,
so the page a records officer hands over can be tied to the full log and the files.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from evidentia.custody.report import build, grid, styles

MAX_TRACK_ROWS = 200  # the JSON log lists them all


def _person(who: dict[str, str] | None) -> str:
    return f"{who['name']} ({who['username']}, {who['role']})" if who else "—"


def render(log: dict[str, Any], log_sha256: str) -> bytes:
    s = styles()
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
        grid(
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
    story.append(grid(rows, [25 * mm, 20 * mm, 18 * mm, 25 * mm, 35 * mm, width - 123 * mm]))
    ranges = [
        f"frames {r['start_frame']} to {r['end_frame']}: {r['mode']}" for r in log["whole_frame"]
    ]
    ranges += [f"audio {r['start_s']} s to {r['end_s']} s: {r['mode']}" for r in log["audio"]]
    if ranges:
        story += [p("Whole-frame and audio ranges", "h2"), *(p(r) for r in ranges)]
    return build(story, "Redaction review log")
