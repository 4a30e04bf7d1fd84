"""/accountability/: one starting point for the internal half of accountability, showing
each person only the areas their role opens (each area checks again on its own)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from evidentia.accounts.auth import signed_in_user, staff_required
from evidentia.accounts.models import User
from evidentia.cad.services import access as cad
from evidentia.intervention.services import access as intervention
from evidentia.policies.services.versions import can_manage as manages_policies
from evidentia.standards.services.access import is_standards
from evidentia.useofforce.services import _common as force


@dataclass(frozen=True)
class Area:
    title: str
    url: str
    text: str


def areas(user: User) -> list[Area]:
    found = []
    if force.can_file(user) or force.visible_reports(user).exists() or user.role in force.READ_ALL:
        found.append(
            Area(
                "Use of force",
                reverse("force:list"),
                "File a report, review your officers' reports, see missing recordings.",
            )
        )
    if is_standards(user):
        found.append(
            Area(
                "Professional standards",
                reverse("standards:queue"),
                "Complaints and investigations: allegations, evidence, findings, letters.",
            )
        )
    if intervention.may_use(user):
        found.append(
            Area(
                "Early intervention",
                reverse("intervention:list"),
                "Alerts from the agency's rules and the peer comparison, and what was done.",
            )
        )
    if cad.can_read(user):
        found.append(
            Area(
                "Body-camera compliance",
                reverse("cad:compliance"),
                "Calls that policy says must be recorded, and whether they were.",
            )
        )
    if cad.can_import(user):
        found.append(
            Area("CAD import", reverse("cad:import"), "Load calls from a CAD export (CSV).")
        )
    if manages_policies(user):
        found.append(
            Area(
                "Policies",
                reverse("policies:index"),
                "Publish versions, open public comment, moderate and respond.",
            )
        )
    found.append(
        Area(
            "Transparency figures",
            reverse("transparency:status"),
            "What the public portal publishes and when it was last refreshed.",
        )
    )
    return found


@staff_required
@require_safe
def hub(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "accountability.html", {"nav": "accountability", "areas": areas(user)})
