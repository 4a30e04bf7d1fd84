"""CAD pages: who may open what, the upload-map-import flow, policies and the report."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from evidentia.cad.models import Assignment, Call, CallTypePolicy, Import
from evidentia.custody import events
from evidentia.custody.models import Event

from .conftest import HEADER, call_line

ALL_ROLES = ["olivia", "sam", "carmen", "ivan", "stella", "petra", "audrey", "adam"]
IMPORTERS = {"carmen", "adam"}
READERS = {"sam", "carmen", "audrey", "adam"}


@pytest.mark.parametrize("who", ALL_ROLES)
def test_the_import_page_is_for_admins_and_custodians(request, as_user, who):
    client = as_user(request.getfixturevalue(who))
    status = client.get("/cad/import/").status_code
    assert status == (200 if who in IMPORTERS else 403)


@pytest.mark.parametrize("who", ALL_ROLES)
def test_the_compliance_report_is_for_supervisors_custodians_auditors_admins(request, as_user, who):
    client = as_user(request.getfixturevalue(who))
    assert client.get("/cad/compliance/").status_code == (200 if who in READERS else 403)
    assert client.get("/cad/policies/").status_code == (200 if who in READERS else 403)


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    assert client.get("/cad/compliance/").status_code == 302


def _upload(client, text: str, name: str = "calls.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/cad/import/", {"file": SimpleUploadedFile(name, text.encode())})


def _import(client, form, capture):
    """Submit the mapping form, let the queued task run (after the commit it waits
    for), and open the result page the form redirected to."""
    with capture(execute=True):
        queued = client.post("/cad/import/run/", form)
    assert queued.status_code == 302
    return client.get(queued["Location"])


def test_upload_shows_the_files_headers_as_choices(as_user, carmen):
    page = _upload(as_user(carmen), "Incident,Nature,Received,Units\n")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="map_call_number"' in html and '<option value="Incident">' in html


def test_an_empty_upload_is_refused_with_a_message(as_user, carmen):
    page = _upload(as_user(carmen), "")
    assert page.status_code == 422 and "empty" in page.content.decode()


def test_mapping_then_import_lands_on_the_result_page(
    as_user, carmen, olivia, django_capture_on_commit_callbacks
):
    client = as_user(carmen)
    page = _upload(client, "Incident,Nature,Received,Units\nC-1,THEFT,2026-03-02 10:00,N-1042\n")
    token = page.context["token"]
    form = {
        "token": token,
        "mode": "all",
        "map_call_number": "Incident",
        "map_call_type": "Nature",
        "map_received_at": "Received",
        "map_officers": "Units",
    }
    done = _import(client, form, django_capture_on_commit_callbacks)
    assert done.status_code == 200 and "1 new call" in done.content.decode()
    assert Call.objects.get().call_type == "THEFT"


def test_a_bad_mapping_shows_the_mapping_again_with_the_problem(as_user, carmen):
    client = as_user(carmen)
    token = _upload(client, "Incident,Nature\n").context["token"]
    page = client.post("/cad/import/run/", {"token": token, "map_call_number": "Incident"})
    assert page.status_code == 422 and "no column for" in page.content.decode()
    assert not Import.objects.exists()


def test_the_result_page_lists_bad_rows_with_line_numbers(
    as_user, carmen, olivia, django_capture_on_commit_callbacks
):
    client = as_user(carmen)
    text = HEADER + call_line("C-1", 0, 30, "N-1042") + "\n,THEFT,2026-03-02 10:00,,,,N-1042\n"
    token = _upload(client, text).context["token"]
    form = {"token": token, "mode": "skip"}
    page = _import(client, form, django_capture_on_commit_callbacks)
    html = page.content.decode()
    assert 'data-error-line="3"' in html and "no call number" in html


def test_another_sessions_upload_token_is_refused(as_user, carmen, adam):
    token = _upload(as_user(carmen), "Incident\n").context["token"]
    page = as_user(adam).post("/cad/import/run/", {"token": token})
    assert page.status_code == 404


def test_an_admin_sets_a_policy_and_the_ledger_records_it(as_user, adam):
    form = {
        "call_type": "DOMESTIC",
        "must_record": "on",
        "late_after_seconds": "90",
        "min_coverage_percent": "60",
    }
    assert as_user(adam).post("/cad/policies/", form).status_code == 302
    policy = CallTypePolicy.objects.get()
    assert (policy.must_record, policy.late_after_seconds, policy.min_coverage) == (True, 90, 0.6)
    assert Event.objects.filter(kind=events.CAD_POLICY_CHANGED).count() == 1


@pytest.mark.parametrize("who", ["sam", "carmen", "audrey"])
def test_only_admins_change_the_policy(request, as_user, who):
    client = as_user(request.getfixturevalue(who))
    page = client.post("/cad/policies/", {"call_type": "DOMESTIC", "must_record": "on"})
    assert page.status_code == 403 and not CallTypePolicy.objects.exists()


def test_call_types_without_a_policy_are_listed(as_user, adam, carmen, olivia):
    from .conftest import csv_bytes
    from .test_import import run

    run(csv_bytes(call_line("C-1", 0, 30, "N-1042", kind="NOISE")), carmen)
    html = as_user(adam).get("/cad/policies/").content.decode()
    assert 'data-no-policy="NOISE"' in html


def _assignments(olivia, oscar):
    now = timezone.now() - timedelta(days=1)
    CallTypePolicy.objects.create(call_type="DOMESTIC")
    CallTypePolicy.objects.create(call_type="NOISE", must_record=False)
    for n, (who, kind, recorded, late) in enumerate(
        [
            (olivia, "DOMESTIC", True, True),
            (olivia, "DOMESTIC", False, False),
            (oscar, "DOMESTIC", True, False),
            (oscar, "NOISE", False, False),
        ]
    ):
        call = Call.objects.create(call_number=f"C-{n}", call_type=kind, received_at=now)
        Assignment.objects.create(
            call=call,
            officer_badge=who.badge_number,
            officer=who,
            unit=who.unit,
            starts_at=now,
            ends_at=now + timedelta(minutes=30),
            recorded=recorded,
            late=late,
        )


def test_the_summary_counts_only_must_record_types_worst_first(olivia, oscar):
    from evidentia.cad.services.compliance import summary

    _assignments(olivia, oscar)
    end = timezone.now()
    by_unit = summary(end - timedelta(days=30), end, by="unit")
    assert [(r["label"], r["assignments"], r["recorded"], r["late"]) for r in by_unit] == [
        ("North Precinct", 2, 1, 1),
        ("South Precinct", 1, 1, 0),
    ]
    by_type = summary(end - timedelta(days=30), end, by="call_type")
    assert [r["key"] for r in by_type] == ["DOMESTIC"]
    assert by_type[0]["recorded_share"] == pytest.approx(2 / 3, abs=1e-4)


def test_the_report_shows_tables_and_a_csv(as_user, sam, olivia, oscar):
    _assignments(olivia, oscar)
    client = as_user(sam)
    html = client.get("/cad/compliance/").content.decode()
    assert 'data-table="officer"' in html and "Olivia (N-1042)" in html
    csv = client.get("/cad/compliance/", {"format": "csv", "by": "unit"})
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[1].startswith("North Precinct,2,1,1,1,0,0.5")


def test_an_empty_range_says_no_data(as_user, sam):
    html = as_user(sam).get("/cad/compliance/?start=2001-01-01&end=2001-01-31").content.decode()
    assert "No data" in html


def test_a_backwards_range_is_a_clear_error(as_user, sam):
    page = as_user(sam).get("/cad/compliance/?start=2026-02-01&end=2026-01-01")
    assert page.status_code == 422 and "before the start" in page.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "end=9999-12-31",
        "start=0001-01-01",
        "start=1899-12-31",
        "start=2026-01-01&end=2101-01-01",
    ],
)
def test_dates_outside_1900_to_2100_are_a_clear_400(as_user, sam, settings, query):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: the day before year 1 would overflow
    page = as_user(sam).get(f"/cad/compliance/?{query}")
    assert page.status_code == 400 and "between 1900 and 2100" in page.content.decode()


def test_a_malformed_date_is_reported_not_replaced_by_the_last_30_days(as_user, sam):
    page = as_user(sam).get("/cad/compliance/?start=2026-13-01")
    assert page.status_code == 400 and "YYYY-MM-DD" in page.content.decode()


def test_csv_cells_starting_with_a_tab_or_carriage_return_are_quoted(as_user, sam, olivia):
    now = timezone.now() - timedelta(days=1)
    CallTypePolicy.objects.create(call_type="\tDOMESTIC")
    call = Call.objects.create(call_number="C-1", call_type="\tDOMESTIC", received_at=now)
    Assignment.objects.create(
        call=call, officer_badge="N-1042", officer=olivia, starts_at=now, ends_at=now
    )
    csv = as_user(sam).get("/cad/compliance/", {"format": "csv", "by": "call_type"})
    assert csv.content.decode().splitlines()[1].startswith("'\tDOMESTIC,")


def test_a_supervisor_sees_only_their_own_units_officers(as_user, sam, olivia, oscar):
    _assignments(olivia, oscar)
    client = as_user(sam)
    page = client.get("/cad/compliance/")
    officers = next(t for t in page.context["tables"] if t["by"] == "officer")
    assert [r["key"] for r in officers["rows"]] == ["N-1042"]
    units = next(t for t in page.context["tables"] if t["by"] == "unit")
    assert len(units["rows"]) == 2  # the aggregate stays agency-wide
    csv = client.get("/cad/compliance/", {"format": "csv", "by": "officer"}).content.decode()
    assert "N-1042" in csv and "S-2077" not in csv


def test_a_supervisor_without_a_unit_sees_no_officers(as_user, olivia, oscar):
    from tests.conftest import make_user

    _assignments(olivia, oscar)
    drifter = make_user("drifter", "supervisor")
    page = as_user(drifter).get("/cad/compliance/")
    assert next(t for t in page.context["tables"] if t["by"] == "officer")["rows"] == []


@pytest.mark.parametrize("who", ["carmen", "audrey", "adam"])
def test_custodians_auditors_and_admins_see_every_officer(request, as_user, olivia, oscar, who):
    _assignments(olivia, oscar)
    page = as_user(request.getfixturevalue(who)).get("/cad/compliance/")
    officers = next(t for t in page.context["tables"] if t["by"] == "officer")
    assert {r["key"] for r in officers["rows"]} == {"N-1042", "S-2077"}


def test_an_upload_over_the_size_limit_is_refused_and_not_kept(as_user, carmen, settings):
    from evidentia.cad.services.uploads import STAGED

    settings.CAD_IMPORT_MAX_BYTES = 100
    page = _upload(as_user(carmen), HEADER + "x" * 200)
    assert page.status_code == 413 and "at most" in page.content.decode()
    assert list(STAGED.folder().glob("*.csv")) == []


def test_an_upload_never_imported_is_removed_by_the_periodic_task(as_user, carmen, settings):
    import os
    import time

    from evidentia.cad.services.uploads import STAGED
    from evidentia.evidence.upload_tasks import cleanup_expired_uploads

    _upload(as_user(carmen), "Incident,Nature,Received,Units\n")
    fresh, old = STAGED.folder() / "fresh.csv", next(STAGED.folder().glob("*.csv"))
    fresh.write_text("x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    cleanup_expired_uploads()
    assert list(STAGED.folder().glob("*.csv")) == [fresh]


def test_a_finished_import_removes_its_upload(
    as_user, carmen, olivia, django_capture_on_commit_callbacks
):
    from evidentia.cad.services.uploads import STAGED

    client = as_user(carmen)
    page = _upload(client, "Incident,Nature,Received,Units\nC-1,THEFT,2026-03-02 10:00,N-1042\n")
    assert len(list(STAGED.folder().glob("*.csv"))) == 1
    form = {
        "token": page.context["token"],
        "map_call_number": "Incident",
        "map_call_type": "Nature",
        "map_received_at": "Received",
        "map_officers": "Units",
    }
    _import(client, form, django_capture_on_commit_callbacks)
    assert list(STAGED.folder().glob("*.csv")) == []
