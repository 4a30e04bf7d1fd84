"""`evidentia analytics import` and copying CAD calls in as incidents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command

from evidentia.analytics.models import Dataset, ImportRun, Incident
from evidentia.analytics.services import cad
from evidentia.cad.models import Call
from evidentia.core.errors import PermissionDenied
from tests.conftest import shared_file

from .test_import import HEADER, synthetic_lines

MAPS = [
    "occurred_at=occurred_on",
    "category=category",
    "x=x_ft",
    "y=y_ft",
    "area_unit=census_tract",
]


def cli(*args: str) -> None:
    call_command("analytics", "import", *args)


def maps(*pairs: str) -> list[str]:
    return [x for m in pairs for x in ("--map", m)]


def test_cli_creates_the_dataset_and_imports(tmp_path, capsys, db):
    path = tmp_path / "portland.csv"
    path.write_text("\n".join([HEADER, *synthetic_lines(12)]) + "\n")
    cli(
        str(path),
        "--dataset",
        "pdx",
        "--create",
        "--epsg",
        "2913",
        "--name",
        "Portland",
        *maps(*MAPS),
    )
    assert "12 new" in capsys.readouterr().out
    assert Dataset.objects.get(slug="pdx").units == "ft"
    assert Incident.objects.count() == 12


def test_cli_with_bad_rows_prints_their_lines_and_fails(tmp_path, capsys, db):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n2016-08-01,BURGLARY,7660085,672910,1\nsoon,BURGLARY,1,2,3\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        cli(str(path), "--dataset", "pdx", "--create", "--epsg", "2913", *maps(*MAPS))
    assert "line 3" in capsys.readouterr().out
    assert Incident.objects.count() == 0


def test_cli_refuses_an_unknown_dataset_clearly(tmp_path, db):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "\n")
    with pytest.raises(CommandError, match="No dataset"):
        cli(str(path), "--dataset", "nowhere", *maps(*MAPS))


def test_cli_refuses_a_geographic_crs_for_a_dataset(tmp_path, db):
    path = tmp_path / "a.csv"
    path.write_text(HEADER + "\n")
    with pytest.raises(CommandError, match="not projected"):
        cli(str(path), "--dataset", "x", "--create", "--epsg", "4326", *maps(*MAPS))


@pytest.mark.slow
def test_cli_imports_the_portland_file_twice_without_duplicates(capsys, db):
    path = shared_file("crime", "portland_cfs_2016_08.csv")
    args = [str(path), "--dataset", "pdx", "--create", "--epsg", "2913", *maps(*MAPS)]
    cli(*args, *maps("lat=latitude", "lon=longitude"))
    cli(*args)
    assert Incident.objects.count() == 19375
    assert ImportRun.objects.order_by("created_at").last().rows_unchanged == 19375


def _call(number: str, minutes: int, lat=45.5, lon=-122.6, call_type="THEFT") -> Call:
    t = datetime(2026, 3, 2, 14, 0, tzinfo=UTC) + timedelta(minutes=minutes)
    return Call.objects.create(
        call_number=number, call_type=call_type, received_at=t, lat=lat, lon=lon, district="N"
    )


def test_cad_calls_become_incidents_once_by_call_number(carmen, db):
    _call("C-1", 0)
    _call("C-2", 5, lat=45.51)
    _call("C-3", 9, lat=None, lon=None)
    first = cad.copy_calls(actor=carmen)
    assert (first.rows_created, first.rows_rejected) == (2, 1)
    assert "C-3 has no place" in first.errors[0]["reason"]
    again = cad.copy_calls(actor=carmen)
    assert (again.rows_created, again.rows_unchanged) == (0, 2)
    dataset = Dataset.objects.get(slug="cad")
    assert dataset.epsg == 32610  # UTM zone 10 north, in metres
    incident = Incident.objects.get(key="C-1")
    assert incident.category == "THEFT" and incident.area_unit == "N"


def test_cli_copies_cad_calls(capsys, db):
    _call("C-1", 0)
    cli("--cad")
    assert "1 new" in capsys.readouterr().out


def test_a_supervisor_cannot_copy_cad_calls(sam):
    with pytest.raises(PermissionDenied):
        cad.copy_calls(actor=sam)
