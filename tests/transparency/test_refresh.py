"""The refresh: what it counts, what it leaves out, and that it can run any time."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from evidentia.custody import events
from evidentia.custody.models import Event
from evidentia.transparency.models import Dataset
from evidentia.transparency.services.refresh import refresh
from evidentia.transparency.tasks import refresh as refresh_task
from evidentia.useofforce.models import UseOfForceReport
from tests.transparency.conftest import at


def _table(key: str, year: int, table: str) -> dict:
    payload = Dataset.objects.get(key=key, year=year).payload
    return next(t for t in payload["tables"] if t["key"] == table)


def _row(table: dict, label: str) -> dict:
    return next(r for r in table["rows"] if r["label"] == label)


@pytest.mark.django_db
def test_a_refresh_on_empty_data_publishes_this_year_with_no_data():
    result = refresh()
    year = timezone.now().year
    assert result.years == [year]
    assert Dataset.objects.filter(year=year).count() == 5
    assert all(d.payload["empty"] for d in Dataset.objects.all())


@pytest.mark.django_db
def test_a_refresh_twice_gives_the_same_figures(seed):
    seed.forces(7, at(2025, 2))
    refresh()
    first = {(d.key, d.year): d.payload for d in Dataset.objects.all()}
    refresh_task.delay()
    assert {(d.key, d.year): d.payload for d in Dataset.objects.all()} == first


@pytest.mark.django_db
def test_a_refresh_is_recorded_in_the_ledger():
    call_command("transparency", "refresh")
    event = Event.objects.filter(kind=events.TRANSPARENCY_REFRESHED).get()
    assert event.actor == "system:transparency"


@pytest.mark.django_db
def test_draft_use_of_force_reports_are_not_counted(seed):
    seed.forces(6, at(2025, 2))
    seed.forces(3, at(2025, 2), status="draft")
    refresh()
    assert _table("use_of_force", 2025, "by_month")["total"]["value"] == 6


@pytest.mark.django_db
def test_a_small_count_is_stored_already_suppressed(seed):
    seed.forces(9, at(2025, 2), district="North")
    seed.forces(2, at(2025, 2), district="South")
    refresh()
    south = _row(_table("use_of_force", 2025, "by_district"), "South")
    assert south == {"label": "South", "value": None, "display": "<5", "state": "small"}
    assert "2" not in str(Dataset.objects.get(key="use_of_force", year=2025).payload["tables"][1])


@pytest.mark.django_db
def test_complaints_about_officers_are_not_counted_as_community_reports(seed):
    for _ in range(6):
        seed.community(at(2025, 4), code="graffiti")
        seed.community(at(2025, 4), code="officer-complaint")
    refresh()
    table = _table("community_reports", 2025, "by_category")
    assert table["total"]["value"] == 6
    assert [r["label"] for r in table["rows"]] == ["Graffiti"]


@pytest.mark.django_db
def test_a_district_typed_by_an_officer_is_published_only_if_it_is_a_known_district(seed):
    seed.forces(6, at(2025, 2), district="North")
    seed.forces(6, at(2025, 2), district="")
    seed.forces(6, at(2025, 2), district="North")
    UseOfForceReport.objects.filter(district="").update(district="=cmd|' /C calc'!A0")
    refresh()
    rows = _table("use_of_force", 2025, "by_district")["rows"]
    assert {r["label"]: r["value"] for r in rows} == {"North": 12, "Other / not recorded": 6}


@pytest.mark.django_db
def test_configured_districts_replace_those_of_the_cad_calls(seed, settings):
    settings.TRANSPARENCY_DISTRICTS = "Central, Harbour"
    seed.forces(6, at(2025, 2), district="Harbour")
    seed.forces(7, at(2025, 2), district="North")
    refresh()
    rows = _table("use_of_force", 2025, "by_district")["rows"]
    assert [(r["label"], r["value"]) for r in rows] == [
        ("Central", 0),
        ("Harbour", 6),
        ("Other / not recorded", 7),
    ]


@pytest.mark.django_db
def test_the_current_year_is_published_only_to_the_end_of_the_last_complete_month(seed):
    now = timezone.now()
    if now.month == 1:
        pytest.skip("no complete month yet this year")
    seed.forces(6, datetime(now.year, now.month, 1, tzinfo=UTC))  # this month: not yet
    seed.forces(7, datetime(now.year, 1, 2, tzinfo=UTC))
    refresh()
    months = _table("use_of_force", now.year, "by_month")
    assert months["total"]["value"] == 7 and len(months["rows"]) == now.month - 1
    assert (
        "the year so far"
        in Dataset.objects.get(key="use_of_force", year=now.year).payload["covers"]
    )


@pytest.mark.django_db
def test_months_are_counted_in_utc_like_the_year(seed, settings):
    settings.TIME_ZONE = "America/New_York"
    seed.forces(6, datetime(2025, 3, 1, 2, tzinfo=UTC))  # still February in New York
    refresh()
    assert _row(_table("use_of_force", 2025, "by_month"), "Mar")["value"] == 6
