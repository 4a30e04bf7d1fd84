"""Auto-tagging against hand-made schedules (minutes after 14:00 UTC, buffer 10 minutes)."""

from __future__ import annotations

import pytest

from evidentia.cad.models import Assignment, Call, CallRecording
from evidentia.cad.services import tagging
from evidentia.cad.services.imports import import_file
from evidentia.cad.tasks import tag_recent
from evidentia.custody import events
from evidentia.custody.models import Event

from .conftest import at, call_line, csv_bytes, make_video


@pytest.fixture
def schedule(carmen, olivia, oscar, domestic):
    """Import calls (dispatch minute, clear minute, officers) without tagging."""

    def _import(*calls: tuple[str, float, float, str]) -> None:
        lines = [call_line(n, s, e, who) for n, s, e, who in calls]
        imp = import_file(csv_bytes(*lines), file_name="f.csv", actor=carmen, tag=False)
        assert imp.state == "done", imp.errors

    return _import


def linked(item) -> dict[str, float]:
    rows = CallRecording.objects.filter(item=item).select_related("assignment__call")
    return {r.assignment.call.call_number: r.overlap_seconds for r in rows}


def tag(*items) -> tagging.Tagged:
    return tagging.tag_items(items)


def assignment(number: str, badge: str = "N-1042") -> Assignment:
    return Assignment.objects.get(call__call_number=number, officer_badge=badge)


def test_a_recording_during_a_call_is_linked_with_its_overlap(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    tag(clip)
    assert linked(clip) == {"C-1": 1200.0}


def test_another_officers_recording_is_not_linked(schedule, oscar):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(oscar, 1, 20)
    tag(clip)
    assert linked(clip) == {}


def test_two_officers_on_one_call_each_get_their_own_link(schedule, olivia, oscar):
    schedule(("C-1", 0, 30, "N-1042;S-2077"))
    mine, his = make_video(olivia, 0, 30), make_video(oscar, 5, 10)
    tag(mine, his)
    assert CallRecording.objects.get(item=mine).assignment == assignment("C-1")
    assert CallRecording.objects.get(item=his).assignment == assignment("C-1", "S-2077")
    assert assignment("C-1").recorded_seconds == 1800
    assert assignment("C-1", "S-2077").recorded_seconds == 600


def test_a_recording_spanning_two_calls_links_to_both(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"), ("C-2", 60, 90, "N-1042"))
    clip = make_video(olivia, 20, 50)
    tag(clip)
    # Buffered windows: C-1 [-10, 40] gives 20 minutes, C-2 [50, 100] gives 20 minutes.
    assert linked(clip) == {"C-1": 1200.0, "C-2": 1200.0}


def test_overlapping_calls_both_link_and_the_incident_number_is_the_bigger_overlap(
    schedule, olivia
):
    schedule(("C-2", 100, 130, "N-1042"), ("C-3", 125, 160, "N-1042"))
    clip = make_video(olivia, 128, 30)
    tag(clip)
    assert set(linked(clip)) == {"C-2", "C-3"}
    clip.refresh_from_db()
    assert clip.incident_number == "C-3"  # [115, 170] covers all 30 min; C-2 [90, 140] 12


def test_on_a_tie_the_incident_number_is_the_earliest_call(schedule, olivia):
    schedule(("C-2", 100, 130, "N-1042"), ("C-3", 120, 150, "N-1042"))
    clip = make_video(olivia, 110, 30)
    tag(clip)
    clip.refresh_from_db()
    assert linked(clip) == {"C-2": 1800.0, "C-3": 1800.0} and clip.incident_number == "C-2"


@pytest.mark.parametrize(
    ("start", "minutes", "is_linked"),
    [
        (39.9, 5, True),  # starts just inside the buffer after clearing (30 + 10)
        (40, 5, False),  # starts exactly where the buffer ends: touching is not overlap
        (41, 5, False),
        (-14.9, 5, True),  # ends just inside the buffer before dispatch (0 - 10)
        (-15, 5, False),  # ends exactly where the buffer begins
    ],
)
def test_the_buffer_edges(schedule, olivia, start, minutes, is_linked):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, start, minutes)
    tag(clip)
    assert bool(linked(clip)) is is_linked


def test_the_buffer_is_configurable(schedule, olivia, settings):
    settings.CAD_TAG_BUFFER_MINUTES = 0
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 31, 5)
    tag(clip)
    assert linked(clip) == {}


def test_overlapping_recordings_count_once_in_the_coverage(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    tag(make_video(olivia, 0, 20), make_video(olivia, 10, 20))
    a = assignment("C-1")
    assert a.recorded and a.recorded_seconds == 1800  # the union, not 2400


def test_coverage_counts_only_time_inside_the_call(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    tag(make_video(olivia, -8, 10))
    assert assignment("C-1").recorded_seconds == 120


def test_a_recording_starting_after_the_threshold_is_late(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"), ("C-2", 100, 130, "N-1042"))
    tag(make_video(olivia, 3, 27), make_video(olivia, 101, 29))
    assert assignment("C-1").late is True  # 180 s > 120 s
    assert assignment("C-2").late is False  # 60 s
    assert assignment("C-1").first_recording_at == at(3)


def test_a_recording_covering_too_little_of_the_call_is_short(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"), ("C-2", 100, 130, "N-1042"))
    tag(make_video(olivia, 0, 5), make_video(olivia, 100, 15))
    assert assignment("C-1").short is True  # 5 of 30 minutes < 50 %
    assert assignment("C-2").short is False  # exactly 50 %


def test_an_unrecorded_assignment_is_neither_late_nor_short(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    tagging.tag_calls(Call.objects.all())
    a = assignment("C-1")
    assert (a.recorded, a.late, a.short) == (False, False, False) and a.evaluated_at


def test_the_incident_number_is_copied_once_and_the_ledger_says_so(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    tag(clip)
    clip.refresh_from_db()
    assert clip.incident_number == "C-1"
    event = Event.objects.get(kind=events.CAD_TAGGED)
    assert event.item_id == clip.pk and "C-1" in event.body


def test_an_incident_number_a_person_typed_is_kept(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20, incident_number="2026-000123")
    tag(clip)
    clip.refresh_from_db()
    assert clip.incident_number == "2026-000123" and linked(clip) == {"C-1": 1200.0}


def test_a_number_tagging_copied_follows_a_moved_call(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"), ("C-2", 100, 130, "N-1042"))
    clip = make_video(olivia, 25, 10)
    tag(clip)
    schedule(("C-1", 200, 230, "N-1042"), ("C-2", 20, 60, "N-1042"))  # corrected times
    tag(clip)
    clip.refresh_from_db()
    assert linked(clip) == {"C-2": 600.0} and clip.incident_number == "C-2"


def test_tagging_twice_changes_nothing_and_logs_nothing_new(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"), ("C-2", 20, 60, "N-1042"))
    clip = make_video(olivia, 10, 30)
    tag(clip)
    before = (linked(clip), Event.objects.filter(kind=events.CAD_TAGGED).count())
    again = tag(clip)
    assert again.items_changed == 0
    assert (linked(clip), Event.objects.filter(kind=events.CAD_TAGGED).count()) == before


def test_non_video_items_are_not_tagged(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    photo = make_video(olivia, 1, 20, kind="image")
    tag(photo)
    assert linked(photo) == {}


def test_an_import_tags_its_calls_after_commit(
    carmen, olivia, domestic, django_capture_on_commit_callbacks
):
    clip = make_video(olivia, 1, 20)
    with django_capture_on_commit_callbacks(execute=True):
        import_file(csv_bytes(call_line("C-1", 0, 30, "N-1042")), file_name="f", actor=carmen)
    assert linked(clip) == {"C-1": 1200.0}


def test_the_periodic_task_tags_recently_ingested_recordings(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    assert tag_recent() == 1
    assert linked(clip) == {"C-1": 1200.0}
    assert tag_recent() == 0


def test_the_copied_incident_number_is_in_the_items_search_keys(schedule, olivia):
    from evidentia.cases.models import SearchDoc

    schedule(("C-77", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    tag(clip)
    assert "C-77" in SearchDoc.objects.get(item_id=clip.pk).keys


def test_a_typed_number_matching_one_of_the_calls_survives_repeated_tagging(schedule, olivia):
    schedule(("C-A", 100, 130, "N-1042"), ("C-B", 125, 160, "N-1042"))
    clip = make_video(olivia, 128, 30, incident_number="C-A")  # C-B overlaps more
    tag(clip)
    tag(clip)
    tag_recent()
    clip.refresh_from_db()
    assert set(linked(clip)) == {"C-A", "C-B"} and clip.incident_number == "C-A"


def test_a_number_a_person_changes_after_tagging_is_kept(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"), ("C-2", 100, 130, "N-1042"))
    clip = make_video(olivia, 25, 10)
    tag(clip)
    clip.incident_number = "C-2"  # a person corrects it to the other call
    clip.save(update_fields=["incident_number"])
    tag(clip)
    clip.refresh_from_db()
    assert clip.incident_number == "C-2"


def test_a_reimport_moving_a_call_away_drops_its_stale_link(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    tag(clip)
    schedule(("C-1", 500, 530, "N-1042"))  # the corrected export
    tagging.tag_calls(Call.objects.all())
    assert linked(clip) == {}
    assert assignment("C-1").recorded is False


def test_a_recording_disposed_of_later_still_counts_as_recorded(schedule, olivia):
    from django.utils import timezone

    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    tag(clip)
    clip.disposed_at = timezone.now()
    clip.save(update_fields=["disposed_at"])
    tag(clip)
    assert set(linked(clip)) == {"C-1"} and assignment("C-1").recorded is True


def test_a_recording_whose_officer_is_cleared_loses_its_links(schedule, olivia):
    schedule(("C-1", 0, 30, "N-1042"))
    clip = make_video(olivia, 1, 20)
    tag(clip)
    clip.officer = None
    clip.save(update_fields=["officer"])
    tag_recent()
    assert linked(clip) == {}
