"""Custody reports for an item or a case. Producing one is itself a ledger event."""

from __future__ import annotations

import base64
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import User
from evidentia.cases.models import Case
from evidentia.cases.policy import visible_case
from evidentia.core.canonical import rfc3339
from evidentia.custody import events, ledger
from evidentia.custody import report as pdf
from evidentia.custody.models import Event
from evidentia.custody.signing import public_verifier_key
from evidentia.custody.visibility import visible_events
from evidentia.evidence.models import Item
from evidentia.evidence.services.access import get_item
from evidentia.redaction.models import RedactedVersion


def _when(value: object) -> str:
    return rfc3339(value) if value else "unknown"  # type: ignore[arg-type]


def _section(item: Item) -> pdf.ItemSection:
    officer = item.officer
    fields = [
        ("Item", str(item.pk)),
        ("Type", f"{item.get_kind_display()} ({item.mime})"),
        ("Submitted name", item.original_name),
        ("SHA-256", item.blob.sha256),
        ("Size", f"{item.blob.size} bytes"),
        ("Officer", f"{officer} {officer.badge_number}" if officer else "—"),
        ("Device", item.device_id or "—"),
        ("Recorded at (device)", _when(item.recorded_at)),
        ("Ingested at (server)", f"{_when(item.ingested_at)} via {item.source}"),
        (
            "Processing",
            item.get_processing_display()
            + (f": {item.processing_error}" if item.processing_error else ""),
        ),
        (
            "Last fixity check",
            f"{_when(item.blob.last_fixity_at)} "
            + {True: "passed", False: "FAILED", None: ""}[item.blob.last_fixity_ok],
        ),
    ]
    derived = [
        (d.kind, d.blob.sha256, f"{d.blob.size} bytes")
        for d in item.derivatives.select_related("blob").order_by("kind")
    ]
    for v in RedactedVersion.objects.filter(plan__item=item).select_related(
        "plan", "blob", "review_log", "review_pdf"
    ):
        n = v.plan.number
        derived += [
            (f"redacted (plan {n})", v.blob.sha256, f"{v.blob.size} bytes"),
            (f"redaction log (plan {n})", v.review_log.sha256, f"{v.review_log.size} bytes"),
            (f"redaction log PDF (plan {n})", v.review_pdf.sha256, f"{v.review_pdf.size} bytes"),
        ]
    return pdf.ItemSection(f"{item.title}", fields, derived)


def _rows(rows: Iterable[Event]) -> list[pdf.EventRow]:
    return [
        pdf.EventRow(
            seq=e.seq,
            time=rfc3339(e.recorded_at).replace("T", " ")[:19],
            what=events.label(e.kind),
            actor=e.actor or "system",
            outcome=e.outcome,
            subject=str(e.item_id)[:8] if e.item_id else "",
            leaf_hash=bytes(e.leaf_hash).hex(),
        )
        for e in rows
    ]


def render(
    title: str,
    by: str,
    items: list[Item],
    rows: Iterable[Event],
    last_proof: ledger.InclusionProof | None,
    checkpoint_note: str,
) -> bytes:
    """The custody report PDF: the items, their events, and the last event's inclusion
    proof against the checkpoint whose note is given (pages and export bags alike)."""
    proof = None
    if last_proof is not None:
        proof = pdf.Proof(
            seq=last_proof.seq,
            tree_size=last_proof.tree_size,
            leaf_hash=last_proof.leaf_hash.hex(),
            path=[base64.b64encode(h).decode() for h in last_proof.path],
            checkpoint_note=checkpoint_note,
            verifier_key=public_verifier_key(),
        )
    return pdf.render(
        pdf.Report(
            title=title,
            agency=str(settings.AGENCY_NAME),
            generated=rfc3339(timezone.now().replace(microsecond=0)),
            generated_by=by,
            items=[_section(i) for i in items],
            events=_rows(rows),
            proof=proof,
        )
    )


def _build(title: str, user: User, items: list[Item], rows: QuerySet[Event]) -> bytes:
    checkpoint = ledger.sign_checkpoint()
    last = rows.last()
    made = None
    if last is not None and checkpoint is not None:
        made = ledger.inclusion_proof(last.seq, checkpoint.tree_size)
    note = checkpoint.note if checkpoint is not None else ""
    return render(title, f"{user} ({user.get_username()})", items, rows, made, note)


def item_report(
    user: User, item_id: object, request: HttpRequest | None = None
) -> tuple[Item, bytes]:
    item = get_item(user, item_id)
    with transaction.atomic():
        ledger.record(
            events.REPORT_GENERATED,
            actor=user,
            request=request,
            item=item,
            detail={"scope": "item", "sha256": item.blob.sha256},
        )
    rows = visible_events(Event.objects.filter(item_id=item.pk), user).order_by("seq")
    return item, _build(f"Custody report: {item.title}", user, [item], rows)


def case_report(
    user: User, case_id: object, request: HttpRequest | None = None
) -> tuple[Case, bytes]:
    case = visible_case(user, case_id)  # type: ignore[arg-type]
    with transaction.atomic():
        ledger.record(
            events.REPORT_GENERATED,
            actor=user,
            request=request,
            case=case,
            detail={"scope": "case", "number": case.number},
        )
    items = list(case.items.select_related("blob", "officer").order_by("recorded_at"))
    about = Q(case_id=case.pk) | Q(item_id__in=[i.pk for i in items])
    rows = visible_events(Event.objects.filter(about), user).order_by("seq")
    return case, _build(f"Custody report: case {case.number} — {case.title}", user, items, rows)
