"""The forecast CLI on hostile input: clear refusals, never a traceback, never a
half-written or clobbered cells.csv; unusable places excluded and reported."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError

from .test_cli_forecast import ROOT, args, read, run

HEADER = "occurred_on,category,x_ft,y_ft\n"


def corners(extra=""):
    rows = [
        f"2020-01-{d:02d},A,{1000 + 5000 * (d % 2)},{1000 + 5000 * (d // 2 % 2)}\n"
        for d in range(1, 21)
    ]
    return HEADER + "".join(rows) + extra


@pytest.fixture
def existing(tmp_path):
    out = tmp_path / "cells.csv"
    out.write_text("keep me\n")
    return out


def refuse(path, out, match, **over):
    over = {"--category": "A", "--start": "2020-02-01", **over}
    with pytest.raises(CommandError, match=match):
        run(*args(path, out, **over))
    assert out.read_text() == "keep me\n"


def test_a_grid_over_the_cell_limit_is_refused_before_allocating(tmp_path, existing):
    path = tmp_path / "in.csv"
    path.write_text(corners())
    refuse(path, existing, r"limit is 2,000,000", **{"--cell-size": "1"})


@pytest.mark.parametrize("size", ["nan", "inf", "-5", "0"])
def test_a_non_finite_or_non_positive_cell_size_is_refused(tmp_path, existing, size):
    path = tmp_path / "in.csv"
    path.write_text(corners())
    refuse(path, existing, "cell-size", **{"--cell-size": size})


def test_a_file_that_is_not_utf8_names_its_line(tmp_path, existing):
    path = tmp_path / "in.csv"
    path.write_bytes(corners().encode() + b"2020-01-21,Caf\xe9,1000,1000\n")
    refuse(path, existing, "line 22: not UTF-8")


@pytest.mark.parametrize("value", ["2016", "2016-08", "08/2016", "13/45/2016", "2016-02-30"])
def test_a_partial_date_is_refused_with_its_line(tmp_path, existing, value):
    path = tmp_path / "in.csv"
    path.write_text(corners(f"{value},A,1000,1000\n"))
    refuse(path, existing, f"Line 22: cannot read the date '{value}'")


@pytest.mark.parametrize(
    "written", ["01/{d:02d}/2020", "1/{d}/2020 01:44:00 PM", "2020/01/{d:02d} 13:44"]
)
def test_dates_written_as_the_importer_reads_them_give_the_same_cells(tmp_path, written):
    iso, other = tmp_path / "iso.csv", tmp_path / "other.csv"
    iso.write_text(corners())
    other.write_text(
        "".join(
            line if i == 0 else written.format(d=int(line[8:10])) + line[10:]
            for i, line in enumerate(corners().splitlines(keepends=True))
        )
    )
    over = {"--category": "A", "--start": "2020-01-15"}
    run(*args(iso, tmp_path / "a.csv", **over))
    run(*args(other, tmp_path / "b.csv", **over))
    assert read(tmp_path / "b.csv") == read(tmp_path / "a.csv")


def test_a_partial_start_date_is_refused(tmp_path, existing):
    path = tmp_path / "in.csv"
    path.write_text(corners())
    refuse(path, existing, "not a date", **{"--start": "2020"})


def test_a_short_row_is_reported_and_excluded(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(corners("2020-01-21,A\n"))
    out = tmp_path / "cells.csv"
    text = run(*args(path, out, **{"--category": "A", "--start": "2020-02-01"}))
    assert "excluded 1 row(s) with a blank or non-finite x/y: line(s) 22" in text
    assert len(read(out)) > 1


def test_rows_at_zero_zero_and_far_away_are_excluded_and_reported(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(corners("2020-01-21,A,0,0\n2020-01-22,A,1e300,5\n2020-01-23,A,1e400,5\n"))
    out = tmp_path / "cells.csv"
    text = run(*args(path, out, **{"--category": "A", "--start": "2020-02-01"}))
    assert "excluded 1 row(s) at 0,0: line(s) 22" in text
    assert "excluded 1 row(s) far outside the data's extent: line(s) 23" in text
    assert "excluded 1 row(s) with a blank or non-finite x/y: line(s) 24" in text
    # The grid covers only the real data: 600..6600 ft in 600 ft cells.
    assert len(read(out)) - 1 == 10 * 10


def test_the_line_numbers_listed_are_capped(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(corners("".join(f"2020-01-2{d},A,0,0\n" for d in range(1, 9))))
    text = run(*args(path, tmp_path / "c.csv", **{"--category": "A", "--start": "2020-02-01"}))
    assert "excluded 8 row(s) at 0,0: line(s) 22, 23, 24, 25, 26 and 3 more" in text


def test_cells_csv_gets_an_ordinary_files_mode(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(corners())
    out = tmp_path / "cells.csv"
    old = os.umask(0o022)
    try:
        run(*args(path, out, **{"--category": "A", "--start": "2020-02-01"}))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644


def test_the_command_line_refuses_a_nan_cell_size_without_a_traceback(tmp_path, existing):
    path = tmp_path / "in.csv"
    path.write_text(corners())
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evidentia.settings"}
    over = {"--category": "A", "--start": "2020-02-01", "--cell-size": "nan"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "evidentia.cli",
            "analytics",
            "forecast",
            *args(path, existing, **over),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode != 0
    assert "cell-size" in done.stderr and "Traceback" not in done.stderr
    assert existing.read_text() == "keep me\n"
