"""Duplicates (same category, 50 m, 48 h), merging them, and turning a report into a case."""

from __future__ import annotations

import pytest

from evidentia.cases.models import CaseItem
from evidentia.community.models import Report, ReportUpdate, Status, Visibility
from evidentia.community.services import public, triage
from evidentia.community.services.reports import Invalid
from evidentia.core.errors import Conflict, PermissionDenied
from evidentia.custody import events
from tests.community.conftest import exif_photo
from tests.community.staff import attach, complaint, filed_at, last_event, north_of

pytestmark = pytest.mark.django_db


def suggested(report: Report) -> list[str]:
    return [c.report.public_id for c in triage.duplicates(report)]


# --------------------------------------------------------------------------- duplicates


def test_a_report_40_m_away_a_day_later_in_the_same_category_is_suggested():
    first = filed_at(hours_ago=24)
    second = filed_at(where=north_of(40))
    assert suggested(second) == [first.public_id]


def test_the_suggestion_says_how_far_and_how_long_apart():
    filed_at(hours_ago=24)
    candidate = triage.duplicates(filed_at(where=north_of(40)))[0]
    assert candidate.metres == pytest.approx(40, abs=0.5)
    assert candidate.hours == pytest.approx(24, abs=0.1)


def test_a_report_60_m_away_is_not_suggested():
    filed_at(hours_ago=1)
    assert suggested(filed_at(where=north_of(60))) == []


def test_a_report_49_hours_apart_is_not_suggested():
    filed_at(hours_ago=49)
    assert suggested(filed_at(where=north_of(10))) == []


def test_a_report_in_another_category_is_not_suggested():
    filed_at("noise", hours_ago=1)
    assert suggested(filed_at("graffiti", where=north_of(10))) == []


def test_a_report_without_a_pin_has_no_suggestions():
    filed_at(hours_ago=1)
    assert suggested(filed_at(where=(None, None), address="SW 6th Ave")) == []


def test_a_merged_report_is_not_suggested_again(sam):
    first = filed_at(hours_ago=2)
    second = filed_at(hours_ago=1, where=north_of(5))
    triage.merge(second, first, actor=sam)
    assert suggested(filed_at(where=north_of(10))) == [first.public_id]


# --------------------------------------------------------------------------- merging


def test_merging_closes_the_duplicate_and_points_the_resident_to_the_original(sam):
    original, duplicate = filed_at(hours_ago=2), filed_at(where=north_of(10))
    triage.merge(duplicate, original, actor=sam)
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of == original and duplicate.status == Status.CLOSED
    assert duplicate.closed_at is not None
    told = public.resident_updates(duplicate).get()
    assert told.kind == ReportUpdate.Kind.MERGED and original.public_id in told.text


def test_merging_into_a_hidden_original_does_not_name_it_to_the_resident(sam):
    original, duplicate = filed_at(hours_ago=2), filed_at(where=north_of(10))
    Report.objects.filter(pk=original.pk).update(public=False)
    triage.merge(duplicate, original, actor=sam)
    told = public.resident_updates(duplicate).get()
    assert original.public_id not in told.text
    assert "It was merged with an earlier report about the same thing." in told.text


def test_a_merge_locks_both_reports_in_primary_key_order(sam, monkeypatch):
    one, two = filed_at(hours_ago=2), filed_at(where=north_of(10))
    low, high = sorted([one, two], key=lambda r: r.pk)
    locked = []
    workable = triage.workable

    def spy(actor, report, *, lock=False):
        if lock:
            locked.append(report.pk)
        return workable(actor, report, lock=lock)

    monkeypatch.setattr(triage, "workable", spy)
    triage.merge(high, low, actor=sam)  # the higher key is the duplicate: named first
    assert locked == [low.pk, high.pk]


def test_merging_leaves_a_staff_note_on_the_original(sam):
    original, duplicate = filed_at(hours_ago=2), filed_at(where=north_of(10))
    triage.merge(duplicate, original, actor=sam)
    note = original.updates.get()
    assert note.visibility == Visibility.INTERNAL and duplicate.public_id in note.text


def test_merging_is_in_the_ledger(sam):
    original, duplicate = filed_at(hours_ago=2), filed_at(where=north_of(10))
    triage.merge(duplicate, original, actor=sam)
    detail = last_event(events.REPORT_MERGED)["detail"]
    assert detail["report"] == duplicate.public_id and detail["into"] == original.public_id


def test_a_report_cannot_be_merged_into_itself(filed, sam):
    with pytest.raises(Invalid):
        triage.merge(filed.report, filed.report, actor=sam)


def test_a_complaint_and_an_ordinary_report_cannot_be_merged(filed, adam):
    with pytest.raises(Invalid) as refused:
        triage.merge(complaint(), filed.report, actor=adam)
    assert "cannot be merged together" in refused.value.errors["original"]


def test_merging_into_a_report_that_is_itself_a_duplicate_is_refused(sam):
    a, b, c = filed_at(hours_ago=3), filed_at(hours_ago=2), filed_at(hours_ago=1)
    triage.merge(b, a, actor=sam)
    with pytest.raises(Invalid) as refused:
        triage.merge(c, b, actor=sam)
    assert a.public_id in refused.value.errors["original"]


def test_a_report_others_were_merged_into_cannot_become_a_duplicate(sam):
    a, b, c = filed_at(hours_ago=3), filed_at(hours_ago=2), filed_at(hours_ago=1)
    triage.merge(b, a, actor=sam)
    with pytest.raises(Invalid):
        triage.merge(a, c, actor=sam)


def test_a_merged_report_cannot_be_merged_again(sam):
    a, b, c = filed_at(hours_ago=3), filed_at(hours_ago=2), filed_at(hours_ago=1)
    triage.merge(b, a, actor=sam)
    with pytest.raises(Conflict):
        triage.merge(b, c, actor=sam)


# --------------------------------------------------------------------------- cases


def test_opening_a_case_links_every_file_of_the_report(filed, ivan):
    media = [attach(filed.report, exif_photo(serial=f"CAM-{n}"), f"{n}.jpg") for n in range(2)]
    case = triage.open_case(filed.report, "2026-CR-1", "Graffiti on 6th", actor=ivan)
    linked = set(CaseItem.objects.filter(case=case).values_list("item_id", flat=True))
    assert linked == {m.item_id for m in media}


def test_opening_a_case_records_it_on_the_report_and_in_the_ledger(filed, ivan):
    case = triage.open_case(filed.report, "2026-CR-1", "Graffiti on 6th", actor=ivan)
    filed.report.refresh_from_db()
    assert filed.report.case == case and case.members.filter(pk=ivan.pk).exists()
    assert filed.report.updates.get().kind == ReportUpdate.Kind.CASE
    event = last_event(events.REPORT_CASE_OPENED)
    assert event["case"] == str(case.pk) and event["detail"]["case_number"] == "2026-CR-1"


def test_a_complaints_case_is_restricted(stella):
    case = triage.open_case(complaint(), "IA-2026-1", "Courtesy complaint", actor=stella)
    assert case.restricted


def test_a_report_opens_only_one_case(filed, ivan):
    triage.open_case(filed.report, "2026-CR-1", "Graffiti", actor=ivan)
    with pytest.raises(Conflict):
        triage.open_case(filed.report, "2026-CR-2", "Again", actor=ivan)


def test_an_administrator_does_not_open_cases(filed, adam):
    with pytest.raises(PermissionDenied):
        triage.open_case(filed.report, "2026-CR-1", "Graffiti", actor=adam)
    filed.report.refresh_from_db()
    assert filed.report.case is None
