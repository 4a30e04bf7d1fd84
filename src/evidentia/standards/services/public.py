"""What a complainant sees with their tracking code: the complaint's status and, once it is
closed, the closing letter. Nothing else: no staff replies, findings or officers' names."""

from __future__ import annotations

from typing import Any

from evidentia.standards.models import Complaint, ComplaintStatus

EXPLAIN = {
    ComplaintStatus.RECEIVED: (
        "We have received your complaint. The professional-standards unit will review it "
        "and assign an investigator."
    ),
    ComplaintStatus.INVESTIGATING: (
        "Your complaint is being investigated. We will write to you here when it is closed."
    ),
    ComplaintStatus.CLOSED: "Your complaint is closed.",
}


def complaint_view(report: Any) -> dict[str, Any] | None:
    """The complaint behind this report as the resident may see it, or None."""
    if not getattr(report, "restricted", False):
        return None
    complaint = (
        Complaint.objects.filter(report=report)
        .only("reference", "status", "closed_at", "closing_letter")
        .first()
    )
    if complaint is None:
        return None
    closed = complaint.status == ComplaintStatus.CLOSED
    return {
        "reference": complaint.reference,
        "status": complaint.status,
        "status_label": ComplaintStatus(complaint.status).label,
        "closed_at": complaint.closed_at if closed else None,
        "letter": complaint.closing_letter if closed else "",
        "explanation": EXPLAIN[ComplaintStatus(complaint.status)],
    }
