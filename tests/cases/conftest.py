"""Evidence and cases for the cases tests, named after the people they belong to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from evidentia.cases import services as cases
from tests.evidence.helpers import ingest_bytes


def clip(officer, name: str, description: str = "", when: datetime | None = None, **kw):
    return ingest_bytes(
        f"{name} {officer}".encode(),
        name,
        officer=officer,
        description=description,
        recorded_at=when or datetime(2026, 3, 2, 14, 0, tzinfo=UTC),
        **kw,
    )


@pytest.fixture
def olivias_clip(olivia):
    """A North-precinct traffic stop Olivia recorded."""
    return clip(olivia, "olivia-traffic-stop.mp4", "Traffic stop on Harbor Road, driver cited")


@pytest.fixture
def oscars_clip(oscar):
    """A South-precinct recording of a burglary scene."""
    return clip(oscar, "oscar-burglary.mp4", "Burglary at the pawn shop, rear window forced")


@pytest.fixture
def ivans_case(ivan):
    """Ivan's open (unrestricted) assault case."""
    return cases.create_case(
        number="2026-0042", title="Assault at Harbor Road", incident_number="CAD-7781", actor=ivan
    )


@pytest.fixture
def ia_case(stella, olivias_clip):
    """Stella's restricted internal-affairs case holding Olivia's clip."""
    case = cases.create_case(
        number="IA-2026-7",
        title="Complaint against a patrol officer",
        incident_number="IA-CAD-99",
        actor=stella,
        restricted=True,
    )
    cases.link_item(case, olivias_clip, actor=stella)
    return case


def api(client: Client, method: str, path: str, body=None):
    """A JSON call through the session (the test client skips CSRF enforcement)."""
    call = getattr(client, method)
    if body is None:
        return call(path)
    return call(path, body, content_type="application/json")
