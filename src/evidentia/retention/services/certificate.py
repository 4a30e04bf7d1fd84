"""The signed disposition certificate: a PDF (custody/report.py's helpers) holding a
statement of what was destroyed, by whose request and approval, and an Ed25519
signature over that statement's canonical JSON with the ledger's signing key. The
DISPOSED ledger event carries the PDF's SHA-256, so the signed Merkle log vouches for it too.
"""

from __future__ import annotations

import base64
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Preformatted, Spacer

from evidentia.core.canonical import canonical_json
from evidentia.custody import report as pdf
from evidentia.custody.signing import public_verifier_key, signing_key

A4_TEXT_WIDTH = 180 * mm


def sign(statement: dict[str, Any]) -> str:
    return base64.b64encode(signing_key().sign(canonical_json(statement))).decode()


def render(statement: dict[str, Any], signature: str) -> bytes:
    s = pdf.styles()

    def p(text: object, style: str = "body") -> Paragraph:
        return Paragraph(escape(str(text)), s[style])

    item = statement["item"]
    fields = [
        ("Item", item["id"]),
        ("Title", item["title"]),
        ("Submitted name", item["original_name"]),
        ("Type", f"{item['kind']} ({item['mime']})"),
        ("Category", item["category"]),
        ("Retention rule", statement["rule"]),
        ("Recorded at", item["recorded_at"] or "unknown"),
        ("Ingested at", item["ingested_at"]),
        ("Cases", ", ".join(item["cases"]) or "none"),
        ("Due at", statement["due_at"]),
        ("Requested by", f"{statement['requested_by']} at {statement['requested_at']}"),
        ("Reason", statement["reason"]),
        ("Approved by", f"{statement['approved_by']} at {statement['approved_at']}"),
        ("Disposed at", statement["disposed_at"]),
        ("Disposition", statement["disposition"]),
    ]
    story: list[object] = [
        p(f"Disposition certificate: {item['title']}", "title"),
        p(f"{statement['agency']} · certificate of destruction by crypto-shredding"),
        Spacer(1, 4 * mm),
        pdf.grid(
            [[p(k, "cell"), p(v, "cell")] for k, v in fields],
            [35 * mm, A4_TEXT_WIDTH - 35 * mm],
            header=False,
        ),
        p(f"Destroyed ({len(statement['destroyed'])})", "h2"),
        p(
            "For each blob below the wrapped data key was erased from the database and the "
            "encrypted object (whose header holds the only other copy of that key) was deleted "
            "from every storage backend. Without the data key the ciphertext cannot be read, "
            "even with the agency key-encryption key."
        ),
        Spacer(1, 2 * mm),
        _blobs(statement["destroyed"], p),
    ]
    if statement["kept"]:
        story += [
            p(f"Kept: still used by other evidence ({len(statement['kept'])})", "h2"),
            p(
                "These blobs hold the same bytes as live evidence (identical content is "
                "stored once). They stay until that evidence is disposed of too; this item's "
                "link to them is gone."
            ),
            Spacer(1, 2 * mm),
            _blobs(statement["kept"], p),
        ]
    story += [
        p("Signature", "h2"),
        p(
            "The statement below is canonical JSON (sorted keys, UTF-8). Its Ed25519 signature "
            "was made with the custody ledger's signing key; check it with the verifier key "
            "(also at /api/v1/custody/key). The ledger's DISPOSED event for this item carries "
            "this PDF's SHA-256 and every destroyed blob's SHA-256; `evidentia custody verify` "
            "checks the ledger."
        ),
        Spacer(1, 2 * mm),
        Preformatted(_wrap(canonical_json(statement).decode(), 110), s["mono"]),
        p(f"Signature (base64): {signature}", "mono"),
        p(f"Verifier key: {public_verifier_key()}", "mono"),
    ]
    return pdf.build(
        story, f"Disposition certificate {statement['disposition']}", statement["agency"]
    )


def _blobs(rows: list[dict[str, Any]], p: Any) -> object:
    table: list[list[object]] = [[p(h, "cell") for h in ("Role", "SHA-256", "Size (bytes)")]]
    table += [[p(r["role"], "cell"), p(r["sha256"], "mono"), p(r["size"], "cell")] for r in rows]
    return pdf.grid(table, [35 * mm, A4_TEXT_WIDTH - 60 * mm, 25 * mm])


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


def agency() -> str:
    return str(settings.AGENCY_NAME)
