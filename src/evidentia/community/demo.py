"""Demo data for the community portal: reports in every state, an alert and an
invite, all made through the services (so the ledger has them too)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from evidentia.accounts.models import Unit, User
from evidentia.cases.models import Case
from evidentia.community.models import Report, Status, Visibility
from evidentia.community.services import alerts, invites, moderation, reports, triage
from evidentia.community.services.reports import NewReport

# (service, description, lat, lon, contact email)
REPORTS = [
    ("graffiti", "Fresh tags on the bus shelter at SW 6th & Yamhill, blue and silver.",
     45.51870, -122.67870, ""),
    ("graffiti", "Someone sprayed the shelter on 6th again last night.",
     45.51885, -122.67860, ""),
    ("noise", "Music from the warehouse until 3am every weekend. Call me on 503-555-0143.",
     45.52230, -122.67590, ""),
    ("traffic-hazard", "The pedestrian signal at NW Broadway & Glisan has been dark all week.",
     45.52650, -122.67700, "resident@example.org"),
    ("abandoned-vehicle", "Grey van with flat tyres parked for three weeks.",
     45.51520, -122.68520, ""),
    ("suspicious-activity", "People trying car door handles along SW Taylor after midnight.",
     45.51740, -122.68300, ""),
    ("officer-complaint", "The officer at the Saturday market was rude and would not give "
     "a badge number.", 45.52280, -122.67050, "complainant@example.org"),
    ("compliment", "Officer Park helped my father home when he was lost. Thank you.",
     45.51300, -122.68000, ""),
]  # fmt: skip


def seed(users: dict[str, User], units: dict[str, Unit], say: Callable[[str], None]) -> None:
    supervisor = users["supervisor"]
    filed = [_file(*row) for row in REPORTS]
    shelter, again, noise, signal, van = (f.report for f in filed[:5])
    triage.assign(shelter, units["north"], actor=supervisor)
    triage.set_status(shelter, Status.IN_PROGRESS, "", actor=supervisor)
    triage.reply(
        shelter,
        "Thank you. The parks crew will clean the shelter on Thursday.",
        Visibility.PUBLIC,
        actor=supervisor,
    )
    triage.merge(again, shelter, actor=supervisor)
    moderation.edit_text(
        noise,
        "Music from the warehouse until 3am every weekend.",
        "Phone number removed",
        actor=supervisor,
    )
    triage.set_status(signal, Status.RESOLVED, "Transportation fixed the signal.", actor=supervisor)
    triage.reply(van, "We will check the plate this week.", Visibility.REPORTER, actor=supervisor)
    alerts.publish(
        "Car break-ins downtown",
        "Several cars were broken into overnight near SW Taylor St. Keep valuables out of "
        "sight and report anything suspicious.",
        "Downtown, SW Taylor St to SW Morrison St",
        45.5174,
        -122.6830,
        400,
        timezone.now() + timedelta(days=14),
        actor=supervisor,
    )
    case = Case.objects.get(number="2026-000123")
    _, token = invites.create(
        case,
        "Neighbour with a doorbell camera",
        message="Thank you for offering your doorbell footage of the night of 2 March.",
        actor=users["investigator"],
    )
    say(f"Community: {Report.objects.count()} reports, an alert, and a witness invite at")
    say(f"  /public/invite/{token}/")
    say(f"  Resident tracking code for the shelter report: {filed[0].code}")


def _file(service: str, text: str, lat: float, lon: float, email: str) -> reports.Filed:
    answers = {"allegation": "courtesy"} if service == "officer-complaint" else {}
    return reports.file_report(
        NewReport(
            service_code=service,
            description=text,
            lat=lat,
            lon=lon,
            contact_email=email,
            attributes=answers,
        )
    )
