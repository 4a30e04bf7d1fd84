"""The three ways a complaint arrives: the public portal, staff taking one by phone, in
person or by mail, and internal referral; and how complaints are numbered."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from evidentia.community.models import Report, Via
from evidentia.community.services import reports
from evidentia.core.errors import NotFound, Rejected
from evidentia.custody import events
from evidentia.standards.models import AllegationType, Complaint, Source
from evidentia.standards.services import intake
from tests.standards.helpers import WORDS, events_of, portal_complaint

pytestmark = pytest.mark.django_db


def test_a_portal_complaint_opens_a_complaint_with_its_report(db):
    complaint, filed = portal_complaint("courtesy")
    assert complaint.source == Source.PORTAL
    assert complaint.report == filed.report and filed.report.restricted
    allegation = complaint.allegations.get()
    assert allegation.type == AllegationType.COURTESY and allegation.officer is None


def test_an_anonymous_complaint_with_no_contact_still_gets_a_tracking_code(db):
    complaint, filed = portal_complaint()
    assert filed.report.anonymous
    assert filed.code and reports.lookup(filed.code) == complaint.report


def test_a_complaint_naming_a_badge_number_identifies_the_officer(olivia):
    complaint, _ = portal_complaint(officer="n-1042")
    allegation = complaint.allegations.get()
    assert allegation.officer == olivia and allegation.officer_description == "n-1042"


def test_a_complaint_naming_no_known_officer_keeps_the_description_only(olivia):
    complaint, _ = portal_complaint(officer="the tall one with a moustache")
    allegation = complaint.allegations.get()
    assert allegation.officer is None
    assert allegation.officer_description == "the tall one with a moustache"


def test_the_ledger_records_a_complaint_without_the_complainants_words(db):
    complaint, _ = portal_complaint(contact_email="resident@example.org")
    (body,) = events_of(events.COMPLAINT_RECEIVED)
    detail = body["detail"]
    assert detail["reference"] == complaint.reference and detail["source"] == "portal"
    assert detail["allegations"][0]["type"] == "force"
    text = str(body)
    assert "shoved" not in text and "resident@example.org" not in text


def test_complaints_are_numbered_by_year_in_order(db):
    first, _ = portal_complaint()
    second, _ = portal_complaint()
    year = timezone.now().year
    assert first.reference == f"C-{year}-0001" and second.reference == f"C-{year}-0002"


def test_numbering_continues_past_9999(db):
    year = timezone.now().year
    assert intake.next_reference(year) == f"C-{year}-0001"
    complaint, _ = portal_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(reference=f"C-{year}-9999")
    assert intake.next_reference(year) == f"C-{year}-10000"
    other, _ = portal_complaint()
    assert other.reference == f"C-{year}-10000"
    assert intake.next_reference(year) == f"C-{year}-10001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_complaints_get_distinct_references(sam, olivia):
    errors: list[BaseException] = []

    def refer(i: int) -> None:
        try:
            intake.open_internal_referral(
                actor=sam,
                summary=f"Referral {i}",
                officer=olivia,
                allegation_type="force",
                origin=f"UOF-{i}",
            )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refer, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    references = list(Complaint.objects.values_list("reference", flat=True))
    assert len(references) == 6 and len(set(references)) == 6


def test_a_referral_carries_the_incident_number_and_time(sam, olivia):
    when = timezone.now() - timedelta(days=1)
    complaint = intake.open_internal_referral(
        actor=sam,
        summary="Strikes after handcuffing.",
        officer=olivia,
        allegation_type="force",
        origin="UOF-2026-0012",
        incident_at=when,
        incident_number="26-004211",
    )
    assert complaint.incident_number == "26-004211" and complaint.incident_at == when


def test_a_supervisor_refers_a_matter_and_cannot_see_it_afterwards(sam, olivia):
    complaint = intake.open_internal_referral(
        actor=sam,
        summary="Force report UOF-2026-0012 shows strikes after the subject was cuffed.",
        officer=olivia,
        allegation_type="force",
        origin="UOF-2026-0012",
    )
    assert complaint.source == Source.INTERNAL and complaint.report is None
    assert complaint.allegations.get().officer == olivia
    (body,) = events_of(events.COMPLAINT_RECEIVED)
    assert body["detail"]["origin"] == "UOF-2026-0012" and "strikes" not in str(body)
    from evidentia.standards.services.access import get_complaint

    with pytest.raises(NotFound):
        get_complaint(sam, complaint.pk)


@pytest.mark.parametrize("persona", ["olivia", "carmen", "ivan", "petra", "audrey"])
def test_only_supervisors_and_standards_may_refer(request, persona, olivia):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotFound):
        intake.open_internal_referral(
            actor=user, summary="x", officer=olivia, allegation_type="force", origin="UOF-1"
        )
    assert not Complaint.objects.exists()


def test_a_referral_needs_a_summary_and_a_known_allegation_type(sam, olivia):
    with pytest.raises(Rejected):
        intake.open_internal_referral(
            actor=sam, summary="  ", officer=olivia, allegation_type="force", origin="UOF-1"
        )
    with pytest.raises(Rejected, match="allegation type"):
        intake.open_internal_referral(
            actor=sam, summary="Why", officer=olivia, allegation_type="rudeness", origin="UOF-1"
        )
    assert not Complaint.objects.exists()


def test_staff_take_a_phone_complaint_with_a_tracking_code(stella, olivia):
    complaint, filed = intake.take_complaint(
        actor=stella,
        source=Source.PHONE,
        description=WORDS,
        allegation_type="bias",
        where="Central Library",
        officer=olivia,
        contact_phone="555-0100",
    )
    assert complaint.source == Source.PHONE and complaint.created_by == stella
    assert filed.report.via == Via.STAFF and filed.report.restricted
    assert reports.lookup(filed.code) == filed.report
    allegation = complaint.allegations.get()
    assert allegation.type == "bias" and allegation.officer == olivia
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("persona", ["olivia", "sam", "carmen", "ivan", "petra", "audrey"])
def test_only_standards_take_complaints_by_phone(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotFound):
        intake.take_complaint(
            actor=user,
            source=Source.PHONE,
            description=WORDS,
            allegation_type="force",
            where="Central Library",
        )
    assert not Report.objects.exists()


def test_a_staff_complaint_with_bad_input_saves_nothing(stella):
    with pytest.raises(reports.Invalid):
        intake.take_complaint(
            actor=stella, source=Source.PHONE, description="", allegation_type="force", where=""
        )
    with pytest.raises(Rejected):
        intake.take_complaint(
            actor=stella,
            source=Source.INTERNAL,
            description=WORDS,
            allegation_type="force",
            where="Library",
        )
    assert not Report.objects.exists() and not Complaint.objects.exists()
