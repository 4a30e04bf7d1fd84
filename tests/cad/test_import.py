"""Importing CAD calls from CSV: good files, bad rows in both modes, re-import, mapping."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest

from evidentia.cad.models import Assignment, Call, Import
from evidentia.cad.services.imports import import_file
from evidentia.custody import events
from evidentia.custody.models import Event

from .conftest import HEADER, at, call_line, csv_bytes, iso


def run(stream, actor, mode="all", mapping=None, name="calls.csv"):
    return import_file(stream, file_name=name, actor=actor, mode=mode, mapping=mapping, tag=False)


def test_a_good_file_creates_calls_and_assignments(carmen, olivia, oscar):
    imp = run(
        csv_bytes(call_line("C-1", 0, 30, "N-1042;S-2077"), call_line("C-2", 60, 90, "N-1042")),
        carmen,
    )
    assert imp.state == Import.State.DONE
    assert (imp.rows_total, imp.rows_created, imp.rows_updated, imp.rows_rejected) == (2, 2, 0, 0)
    call = Call.objects.get(call_number="C-1")
    assert call.received_at == at(-1) and call.cleared_at == at(30)
    assigned = {a.officer_badge: a for a in call.assignments.all()}
    assert assigned["N-1042"].officer == olivia
    assert assigned["N-1042"].unit == olivia.unit
    assert assigned["S-2077"].unit == oscar.unit
    assert assigned["N-1042"].starts_at == at(0) and assigned["N-1042"].ends_at == at(30)


def test_the_import_is_in_the_ledger_with_counts_and_digest(carmen, olivia):
    stream = csv_bytes(call_line("C-1", 0, 30, "N-1042"))
    imp = run(stream, carmen)
    event = Event.objects.get(kind=events.CAD_IMPORTED)
    body = json.loads(event.body)
    assert imp.sha256 in event.body and "calls.csv" in event.body
    assert body["detail"]["calls_created"] == 1


def test_an_assignment_without_cleared_time_lasts_sixty_minutes(carmen, olivia):
    run(csv_bytes(f"C-1,THEFT,{iso(0)},,,,N-1042"), carmen)
    a = Assignment.objects.get()
    assert a.starts_at == at(0) and a.ends_at == at(60)


BAD = [
    call_line("C-1", 0, 30, "N-1042"),
    f",THEFT,{iso(0)},,,,N-1042",
    "C-3,THEFT,yesterday,,,,N-1042",
    f"C-4,THEFT,{iso(10)},,,{iso(5)},N-1042",
    call_line("C-5", 0, 30, "N-1042"),
]


def test_all_or_nothing_imports_nothing_and_lists_every_bad_row(carmen, olivia):
    imp = run(csv_bytes(*BAD), carmen, mode="all")
    assert imp.state == Import.State.REJECTED
    assert not Call.objects.exists()
    assert [e["line"] for e in imp.errors] == [3, 4, 5]
    reasons = " ".join(e["reason"] for e in imp.errors)
    assert "no call number" in reasons and "'yesterday'" in reasons
    assert "cleared before received" in reasons
    assert Event.objects.filter(kind=events.CAD_IMPORT_REJECTED, outcome="failure").count() == 1


def test_skip_bad_imports_the_good_rows_and_reports_the_bad(carmen, olivia):
    imp = run(csv_bytes(*BAD), carmen, mode="skip")
    assert imp.state == Import.State.DONE
    assert sorted(Call.objects.values_list("call_number", flat=True)) == ["C-1", "C-5"]
    assert imp.rows_rejected == 3
    assert [(e["line"], e["level"]) for e in imp.errors] == [
        (3, "error"),
        (4, "error"),
        (5, "error"),
    ]


def test_reimporting_the_same_file_updates_and_adds_nothing(carmen, olivia, oscar):
    lines = [call_line("C-1", 0, 30, "N-1042|S-2077"), call_line("C-2", 60, 90, "N-1042")]
    run(csv_bytes(*lines), carmen)
    again = run(csv_bytes(*lines), carmen)
    assert (again.rows_created, again.rows_updated) == (0, 2)
    assert Call.objects.count() == 2 and Assignment.objects.count() == 3


def test_a_reimport_with_new_times_moves_the_assignments(carmen, olivia):
    run(csv_bytes(call_line("C-1", 0, 30, "N-1042")), carmen)
    run(csv_bytes(call_line("C-1", 0, 45, "N-1042")), carmen)
    assert Assignment.objects.get().ends_at == at(45)


def test_an_unknown_badge_is_imported_with_a_warning(carmen, olivia):
    imp = run(csv_bytes(call_line("C-1", 0, 30, '"N-1042,X-999"')), carmen)
    assert imp.state == Import.State.DONE and imp.rows_rejected == 0
    stranger = Assignment.objects.get(officer_badge="X-999")
    assert stranger.officer is None
    assert (
        imp.errors == [{"line": 2, "level": "warning", "reason": imp.errors[0]["reason"]}]
        and "X-999" in imp.errors[0]["reason"]
    )


def test_one_row_per_officer_on_the_same_call_is_merged(carmen, olivia, oscar):
    imp = run(
        csv_bytes(call_line("C-1", 0, 30, "N-1042"), call_line("C-1", 0, 30, "S-2077")), carmen
    )
    assert imp.rows_rejected == 0
    assert Call.objects.get().assignments.count() == 2


def test_a_call_number_repeated_with_different_details_is_a_bad_row(carmen, olivia):
    imp = run(
        csv_bytes(call_line("C-1", 0, 30, "N-1042"), call_line("C-1", 0, 40, "N-1042")),
        carmen,
        mode="skip",
    )
    assert imp.errors[0]["line"] == 3 and "also on line 2" in imp.errors[0]["reason"]
    assert Call.objects.get().cleared_at == at(30)  # the first one stands


def test_naive_times_are_in_the_agency_zone_and_stored_in_utc(carmen, olivia, settings):
    settings.TIME_ZONE = "America/Chicago"
    run(csv_bytes("C-1,THEFT,03/02/2026 08:05 AM,2026-03-02 08:06:30,,,N-1042"), carmen)
    call = Call.objects.get()
    assert call.received_at == datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    assert call.dispatched_at == datetime(2026, 3, 2, 14, 6, 30, tzinfo=UTC)


def test_a_mapping_names_the_files_own_columns(carmen, olivia):
    data = io.BytesIO(b"Incident,Nature,Received,Units\nC-1,THEFT,2026-03-02T14:00:00Z,N-1042\n")
    mapping = {
        "call_number": "Incident",
        "call_type": "Nature",
        "received_at": "Received",
        "officers": "Units",
    }
    imp = run(data, carmen, mapping=mapping)
    assert imp.state == Import.State.DONE and Call.objects.get().call_type == "THEFT"


def test_a_mapped_column_missing_from_the_file_refuses_the_whole_file(carmen, olivia):
    imp = run(csv_bytes(call_line("C-1", 0, 30, "N-1042")), carmen, mapping={"district": "Beat"})
    assert imp.state == Import.State.REJECTED and not Call.objects.exists()
    assert "'Beat'" in imp.errors[0]["reason"] and imp.errors[0]["line"] == 0


def test_a_file_without_a_required_column_is_refused(carmen):
    imp = run(io.BytesIO(b"call_number,call_type\nC-1,THEFT\n"), carmen)
    assert "no column for received_at, officers" in imp.errors[0]["reason"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (HEADER.encode(), "no calls"),
        (HEADER.encode() + "C-1,VOL\xc9,2026-03-02 10:00,,,,N-1\n".encode("latin-1"), "UTF-8"),
    ],
)
def test_empty_header_only_and_non_utf8_files_are_refused(carmen, data, reason):
    imp = run(io.BytesIO(data), carmen, mode="skip")
    assert imp.state == Import.State.REJECTED and reason in imp.errors[0]["reason"]
    assert not Call.objects.exists()


def test_officers_may_import_nothing(olivia):
    from evidentia.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(csv_bytes(call_line("C-1", 0, 30, "N-1042")), olivia)
    assert not Import.objects.exists()


@pytest.mark.slow
def test_a_hundred_thousand_rows_import_in_reasonable_time(carmen, olivia, oscar):
    import time

    lines = [call_line(f"C-{n}", n % 5000, n % 5000 + 20, "N-1042;S-2077") for n in range(100_000)]
    began = time.perf_counter()
    imp = run(csv_bytes(*lines), carmen)
    seconds = time.perf_counter() - began
    assert imp.rows_created == 100_000 and Assignment.objects.count() == 200_000
    assert seconds < 120, seconds
