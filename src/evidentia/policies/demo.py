# ruff: noqa: E501 -- each paragraph of policy text is one line, as it is stored.
"""Demo policies: use of force, body-worn cameras and data retention, two versions
each, and an open comment period on the body-camera policy with a published comment
and a response. Made through the services, so the ledger has them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from evidentia.accounts.models import User
from evidentia.policies.models import Policy
from evidentia.policies.services import comments, versions

FORCE_V1 = """Purpose
Officers use only the force that is objectively reasonable to carry out a lawful purpose.

De-escalation
When safe, officers try to slow the situation down, create distance and give clear instructions before using force.

Reporting
Every use of force beyond handcuffing a compliant person is reported on a use-of-force report before the end of the shift."""
FORCE_V2 = """Purpose
Officers use only the force that is objectively reasonable and proportionate to carry out a lawful purpose.

De-escalation
When safe and feasible, officers must try to slow the situation down, create distance, call for a crisis-trained officer and give clear instructions before using force.

Duty to intervene
An officer who sees another officer use force that is clearly beyond what is reasonable must intervene and report it.

Reporting
Every use of force beyond handcuffing a compliant person is reported on a use-of-force report before the end of the shift, and a supervisor reviews it within 72 hours."""
CAMERA_V1 = """Activation
Officers start recording when they are dispatched to a call or begin any enforcement contact.

Ending a recording
Officers keep recording until the contact is over.

Access
Recordings are evidence. Only authorised staff may view them, and every viewing is logged."""
CAMERA_V2 = """Activation
Officers start recording when they are dispatched to a call, or at the latest on arrival, and at the start of any enforcement contact.

Ending a recording
Officers keep recording until the contact is over. If they stop early, they say why on camera.

Access
Recordings are evidence. Only authorised staff may view them, and every viewing is logged.

Public release
Recordings of critical incidents are released to the public within 45 days, redacted to protect bystanders."""
RETENTION_V1 = """Recordings with no evidentiary value are kept for 180 days and then destroyed.

Recordings that are evidence are kept until the case is closed and every appeal has ended."""
RETENTION_V2 = """Recordings with no evidentiary value are kept for 190 days and then destroyed.

Recordings that are evidence are kept until the case is closed and every appeal has ended.

Recordings of a use of force or linked to a complaint are kept for at least three years, even when no case follows.

Destruction is recorded in a signed certificate that anyone can verify."""

POLICIES = [
    ("use-of-force", "Use of force", "When and how officers may use force, and how it is reported.",
     FORCE_V1, FORCE_V2, "Adds a duty to intervene and a 72-hour supervisor review."),
    ("body-worn-cameras", "Body-worn cameras", "When officers record, and who may see it.",
     CAMERA_V1, CAMERA_V2, "Earlier activation; a stated reason for stopping; public release."),
    ("data-retention", "Data retention", "How long recordings are kept and how they are destroyed.",
     RETENTION_V1, RETENTION_V2, "Longer retention for force and complaint recordings."),
]  # fmt: skip


def seed(users: dict[str, User], say: Callable[[str], None]) -> None:
    admin = users["admin"]
    if Policy.objects.exists():
        return
    for slug, title, summary, first, second, note in POLICIES:
        v1 = versions.create_policy(
            title=title, slug=slug, summary=summary, body=first, actor=admin
        )
        v2 = versions.publish_version(
            v1.policy,
            body=second,
            change_note=note,
            effective_on=comments.today() + timedelta(days=30),
            actor=admin,
        )
    camera = Policy.objects.get(slug="body-worn-cameras")
    period = comments.open_period(
        versions.current(camera) or v2,
        opens_on=comments.today() - timedelta(days=3),
        closes_on=comments.today() + timedelta(days=27),
        introduction="We propose to start recording on dispatch and to release recordings of "
        "critical incidents within 45 days. Tell us what you think.",
        actor=admin,
    )
    first_comment = comments.submit(
        period,
        body="45 days is too long. Other cities release critical-incident video within 30.",
        display_name="Jordan",
    )
    comments.moderate(first_comment, comments.PUBLISH, actor=admin)
    comments.respond(
        first_comment,
        "Thank you. Redaction of bystanders takes time; we will report how long each "
        "release took and review the limit after a year.",
        actor=admin,
    )
    comments.submit(period, body="Please make sure cameras are on during every stop.")
    say("Policies: 3 published policies, one open for comment at /public/policies/")
