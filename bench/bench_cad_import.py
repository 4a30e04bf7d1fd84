"""CAD calls import and recording tagging at scale, on SQLite or PostgreSQL.

Run: .venv/bin/python bench/bench_cad_import.py [--calls 100000] [--runs 3]
(with DATABASE_URL=postgres://... for PostgreSQL; the database must exist and be empty
or an earlier run of this script's). Creates its schema with `evidentia init` in a
temporary EVIDENTIA_HOME, two officers, then per run imports `--calls` new calls (two
officers each, 20 minutes long, overlapping through the day) through the same service
the web page's background task and the CLI use, and tags them as the task after an
import does. Prints the seconds of each step per run and their medians.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOME = Path(os.environ.get("EVIDENTIA_HOME") or tempfile.mkdtemp(prefix="evidentia-bench-"))
os.environ["EVIDENTIA_HOME"] = str(HOME)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")

HEADER = "call_number,call_type,received_at,dispatched_at,arrived_at,cleared_at,officers\n"
T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def iso(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def csv_for(run: int, calls: int) -> bytes:
    lines = []
    for n in range(calls):
        start = n % 5000
        lines.append(
            f"R{run}-{n},DOMESTIC,{iso(start - 1)},{iso(start)},{iso(start + 2)},"
            f"{iso(start + 20)},B-1;B-2"
        )
    return (HEADER + "\n".join(lines) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "evidentia.cli", "init"], check=True, capture_output=True)
    import django

    django.setup()
    from evidentia.accounts.models import Role, Unit, User
    from evidentia.cad.models import Import
    from evidentia.cad.services import imports, tagging

    unit, _ = Unit.objects.get_or_create(name="Bench")
    for badge in ("B-1", "B-2"):
        User.objects.get_or_create(
            username=f"bench-{badge}",
            defaults={"role": Role.OFFICER, "unit": unit, "badge_number": badge},
        )
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN})
    first = Import.objects.count()
    timings: dict[str, list[float]] = {"import": [], "tag": []}
    for run in range(first, first + args.runs):
        data = csv_for(run, args.calls)
        began = time.perf_counter()
        imp = imports.import_file(io.BytesIO(data), file_name="bench.csv", actor=admin, tag=False)
        timings["import"].append(time.perf_counter() - began)
        assert imp.state == Import.State.DONE, imp.message
        began = time.perf_counter()
        tagging.tag_calls(imports.calls_of(imp))
        timings["tag"].append(time.perf_counter() - began)
        print(
            f"run {run - first + 1}: import {timings['import'][-1]:.1f} s, "
            f"tag {timings['tag'][-1]:.1f} s",
            flush=True,
        )
    vendor = django.db.connection.vendor
    for step, values in timings.items():
        print(f"{vendor} {args.calls} calls, {step}: median {statistics.median(values):.1f} s")


if __name__ == "__main__":
    main()
