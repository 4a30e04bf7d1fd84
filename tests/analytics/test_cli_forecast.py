"""The forecast CLI contract end to end on a crafted CSV."""

import csv
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tests.conftest import shared_file

from .test_forecast_methods import planted

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = ["x_min", "y_min", "x_max", "y_max", "score"]


@pytest.fixture
def incidents(tmp_path):
    t, x, y, c = planted()
    path = tmp_path / "incidents.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["occurred_on", "category", "x_ft", "y_ft"])
        for row in zip(t, c, x, y, strict=True):
            w.writerow([str(row[0]), row[1], f"{row[2]:.1f}", f"{row[3]:.1f}"])
    return path


def args(path, out, **over):
    opts = {
        "--incidents": str(path),
        "--time-col": "occurred_on",
        "--x-col": "x_ft",
        "--y-col": "y_ft",
        "--category-col": "category",
        "--category": "BURGLARY",
        "--start": "2020-02-10",
        "--horizon-days": "7",
        "--cell-size": "600",
        "--method": "auto",
        "--out": str(out),
    }
    opts.update(over)
    return [part for kv in opts.items() for part in kv]


def run(*argv):
    buf = io.StringIO()
    call_command("analytics", "forecast", *argv, stdout=buf)
    return buf.getvalue()


def read(out):
    with out.open(newline="") as fh:
        return list(csv.reader(fh))


def test_the_forecast_writes_ranked_cells_with_the_contract_columns(incidents, tmp_path):
    out = tmp_path / "cells.csv"
    text = run(*args(incidents, out))
    rows = read(out)
    assert rows[0] == COLUMNS
    scores = [float(r[4]) for r in rows[1:]]
    assert scores == sorted(scores, reverse=True)
    x0, y0, x1, y1 = (float(v) for v in rows[1][:4])
    assert x1 - x0 == 600 and y1 - y0 == 600
    assert x0 <= 5_300 < x1 and y0 <= 7_300 < y1
    assert "method" in text


@pytest.mark.parametrize("method", ["counts", "kde", "prospective", "blend"])
def test_every_method_runs_from_the_cli(incidents, tmp_path, method):
    out = tmp_path / "cells.csv"
    run(*args(incidents, out, **{"--method": method, "--category": "ALL"}))
    assert len(read(out)) > 2


def test_only_rows_before_the_start_are_used(incidents, tmp_path):
    early = tmp_path / "early.csv"
    with incidents.open() as src, early.open("w") as dst:
        lines = src.readlines()
        dst.write(lines[0])
        dst.writelines(ln for ln in lines[1:] if ln[:10] < "2020-01-25")
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    over = {"--start": "2020-01-25", "--method": "counts"}
    run(*args(incidents, a, **over))
    run(*args(early, b, **over))
    assert read(a) == read(b)


@pytest.mark.parametrize(
    "over, message",
    [
        ({"--horizon-days": "0"}, "horizon"),
        ({"--horizon-days": "-3"}, "horizon"),
        ({"--category": "ARSON"}, "No rows have category"),
        ({"--start": "2019-06-01"}, "nothing to train on"),
        ({"--x-col": "easting"}, "lacks column"),
        ({"--start": "soon"}, "not a date"),
    ],
)
def test_bad_input_is_refused_and_leaves_no_file(incidents, tmp_path, over, message):
    out = tmp_path / "cells.csv"
    with pytest.raises(CommandError, match=message):
        run(*args(incidents, out, **over))
    assert not out.exists()


def test_an_unreadable_date_names_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("occurred_on,category,x_ft,y_ft\n2020-01-01,A,1,1\nyesterday,A,2,2\n")
    out = tmp_path / "cells.csv"
    with pytest.raises(CommandError, match="Line 3"):
        run(*args(path, out, **{"--category": "A"}))
    assert not out.exists()


def test_the_command_line_exits_non_zero_on_bad_input(incidents, tmp_path):
    out = tmp_path / "cells.csv"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "evidentia.settings"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "evidentia.cli",
            "analytics",
            "forecast",
            *args(incidents, out, **{"--horizon-days": "0"}),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode != 0
    assert "horizon" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.slow
def test_the_contract_runs_on_portland_for_every_category_and_horizon(tmp_path):
    path = shared_file("crime", "portland_cfs_2016_08.csv")
    for category in ("ALL", "STREET CRIMES", "BURGLARY", "MOTOR VEHICLE THEFT"):
        for horizon in ("7", "14", "30"):
            out = tmp_path / "cells.csv"
            began = time.monotonic()
            run(
                *args(
                    path,
                    out,
                    **{"--category": category, "--start": "2016-09-01", "--horizon-days": horizon},
                )
            )
            assert time.monotonic() - began < 60
            rows = read(out)
            assert rows[0] == COLUMNS and len(rows) > 58
            assert np.isfinite([float(r[4]) for r in rows[1:]]).all()


def test_evaluate_writes_an_html_report_with_table_maps_bias_and_card(incidents, tmp_path):
    out, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    buf = io.StringIO()
    call_command(
        "analytics",
        "evaluate",
        "--incidents",
        str(incidents),
        "--time-col",
        "occurred_on",
        "--x-col",
        "x_ft",
        "--y-col",
        "y_ft",
        "--category-col",
        "category",
        "--categories",
        "BURGLARY",
        "--horizons",
        "7",
        "--train-end",
        "2020-01-28",
        "--test-end",
        "2020-02-05",
        "--step-days",
        "4",
        "--cell-size",
        "600",
        "--out",
        str(out),
        "--pdf",
        str(pdf),
        stdout=buf,
    )
    page = out.read_text()
    for method in ("counts", "kde", "prospective", "blend", "auto"):
        assert f">{method}" in page
    assert "<svg" in page and "Bias and validity" in page and "not crime" in page
    assert pdf.read_bytes().startswith(b"%PDF")
