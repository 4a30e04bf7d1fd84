"""The synthetic generator at a small scale: consistent records, flagged as synthetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.cad.models import Assignment, Call
from evidentia.community.models import Report
from evidentia.custody.models import Event
from evidentia.sharing.models import RecordsRequest
from evidentia.standards.models import Allegation, Complaint, ComplaintStatus
from evidentia.synthetic.accountability import generate
from evidentia.useofforce.models import ForceType, UseOfForceReport

SMALL = dict(officers=12, calls=600, force_reports=30, complaints=20, community_reports=25)


@pytest.fixture
def made(north, south, stella):
    return generate(end=date.today(), days=120, say=lambda _: None, **SMALL)


def test_it_makes_what_was_asked(made):
    assert made["calls"] == Call.objects.count() == 600
    assert made["assignments"] == Assignment.objects.count() >= 600
    assert UseOfForceReport.objects.count() == 30
    assert Complaint.objects.count() == 20 + made["referrals"]
    assert Report.objects.filter(restricted=False).count() == 25
    assert RecordsRequest.objects.count() == made["records_requests"]


def test_officers_have_unique_badges_units_and_no_usable_password(made):
    officers = User.objects.filter(username__startswith="syn-officer-")
    assert officers.count() == 12
    badges = list(officers.values_list("badge_number", flat=True))
    assert len(set(badges)) == 12 and all(badges)
    assert all(
        o.unit_id and o.role == Role.OFFICER and not o.has_usable_password() for o in officers
    )


def test_every_unit_has_a_supervisor(made, north, south):
    for unit in (north, south):
        assert User.objects.filter(role=Role.SUPERVISOR, unit=unit).exists()


def test_call_and_assignment_times_are_in_order_and_in_the_past(made):
    now = timezone.now()
    assert not Call.objects.filter(dispatched_at__lt=F("received_at")).exists()
    assert not Call.objects.filter(cleared_at__lt=F("arrived_at")).exists()
    assert not Call.objects.filter(cleared_at__gt=now).exists()
    assert not Assignment.objects.filter(ends_at__lt=F("starts_at")).exists()
    assert not Assignment.objects.filter(first_recording_at__lt=F("starts_at")).exists()
    assert not Assignment.objects.filter(first_recording_at__gt=F("ends_at")).exists()


def test_assignments_match_their_officer_and_recording_flags(made):
    for a in Assignment.objects.select_related("officer")[:200]:
        assert a.officer.badge_number == a.officer_badge and a.unit_id == a.officer.unit_id
        if not a.recorded:
            assert not (a.late or a.short or a.first_recording_at or a.recorded_seconds)
        else:
            assert a.first_recording_at is not None and a.recorded_seconds > 0


def test_force_reports_point_at_a_call_their_officer_was_on(made):
    for report in UseOfForceReport.objects.all():
        assignment = Assignment.objects.get(
            call__call_number=report.incident_number, officer=report.officer
        )
        assert report.missing_recording == (not assignment.recorded)
        assert report.force_types.exists() and report.subjects.exists()
        assert report.reason.startswith("Synthetic:")
    assert ForceType.objects.exists()


def test_closed_complaints_have_findings_and_close_after_they_arrive(made):
    closed = Complaint.objects.filter(status=ComplaintStatus.CLOSED)
    assert not closed.filter(closed_at__lt=F("received_at")).exists()
    assert not Allegation.objects.filter(complaint__in=closed, finding="").exists()
    assert (
        not Complaint.objects.exclude(status=ComplaintStatus.CLOSED)
        .filter(closed_at__isnull=False)
        .exists()
    )


def test_complaints_from_residents_keep_a_restricted_report(made):
    for complaint in Complaint.objects.exclude(source="internal"):
        assert complaint.report.restricted and not complaint.report.public
        assert complaint.report.description.startswith("Synthetic:")


def test_it_writes_no_ledger_events(north, south):
    before = Event.objects.count()
    generate(end=date.today(), days=30, say=lambda _: None, **SMALL)
    assert Event.objects.count() == before


def test_a_second_run_adds_a_batch_numbered_apart(made):
    again = generate(end=date.today(), days=30, seed=8, say=lambda _: None, **SMALL)
    assert again["officers"] == 0  # the officers are reused
    assert Call.objects.count() == 1200
    assert Call.objects.filter(call_number__startswith="SYN2-").count() == 600


def test_the_command_refuses_a_second_batch_unless_asked(made, capsys):
    call_command("synthetic", "--calls", "50", "--officers", "12")
    assert "already here" in capsys.readouterr().out
    assert Call.objects.count() == 600


def test_the_period_ends_on_the_given_day(north, db):
    end = date.today() - timedelta(days=40)
    generate(end=end, days=10, say=lambda _: None, **SMALL)
    latest = Call.objects.order_by("-received_at").first()
    assert latest.received_at.date() <= end
    assert Call.objects.order_by("received_at").first().received_at.date() >= end - timedelta(
        days=10
    )
