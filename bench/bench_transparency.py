"""The public transparency portal over five years of a 1,000-officer agency (issue 7).
Not a test.

    .venv/bin/python bench/bench_transparency.py [--years 5] [--officers 1000] \
        [--calls 2000000] [--force 20000] [--complaints 10000] [--community 200000] \
        [--records 3000] [--runs 3] [--duration 20] [--connections 1 4 16] [--path ...]

Creates a fresh SQLite database in a temporary EVIDENTIA_HOME (`evidentia init`), seeds
it with `evidentia.synthetic.accountability.generate` (CAD calls with their assignments,
use-of-force reports, complaints, community reports, records requests), times the
refresh (`evidentia transparency refresh`, the only code that reads the records), then
starts the real server (`evidentia serve --no-worker`) and loads the public pages with
wrk as bench/bench_open311.py does. Prints p50/p95/p99 and requests/s per connection
count, with the median of the runs. Goal: p95 < 300 ms.

The portal's rate limit still counts every request (its database write is part of what
is measured), but at a limit wrk cannot reach: the server runs with a settings module
that imports evidentia.settings and raises TRANSPARENCY_REQUESTS_PER_HOUR.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HOME = Path(os.environ.get("EVIDENTIA_HOME") or tempfile.mkdtemp(prefix="evidentia-bench-"))
os.environ["EVIDENTIA_HOME"] = str(HOME)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_open311 import REPORT_LUA, fetch, free_port, load, start_server  # noqa: E402

PY = sys.executable
SETTINGS = "bench_transparency_settings"


def seed(args: argparse.Namespace) -> dict[str, int]:
    import django

    django.setup()
    from django.utils import timezone

    from evidentia.synthetic.accountability import generate

    return generate(
        end=timezone.now().date() - timedelta(days=1),
        days=365 * args.years,
        officers=args.officers,
        calls=args.calls,
        force_reports=args.force,
        complaints=args.complaints,
        community_reports=args.community,
        records_requests=args.records,
        seed=7,
    )


def table_sizes() -> dict[str, int]:
    from evidentia.cad.models import Assignment, Call
    from evidentia.community.models import Report
    from evidentia.standards.models import Complaint
    from evidentia.useofforce.models import UseOfForceReport

    return {
        "calls": Call.objects.count(),
        "assignments": Assignment.objects.count(),
        "force_reports": UseOfForceReport.objects.count(),
        "complaints": Complaint.objects.count(),
        "community_reports": Report.objects.count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=2_000_000)
    parser.add_argument("--force", type=int, default=20_000)
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--community", type=int, default=200_000)
    parser.add_argument("--records", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--path", action="append", dest="paths")
    parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    parser.add_argument(
        "--seed-only", action="store_true", help="seed EVIDENTIA_HOME, keep it, and stop"
    )
    args = parser.parse_args()
    import shutil

    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    print(f"EVIDENTIA_HOME={HOME}")
    # Seeding 2M calls takes minutes: a home seeded before (--seed-only) is reused as is.
    marker = HOME / "bench-seeded"
    subprocess.run([PY, "-m", "evidentia.cli", "init"], check=True, env=os.environ.copy())
    if marker.exists():
        print(f"reusing the seeded home: {marker.read_text().strip()}")
    else:
        started = time.perf_counter()
        made = seed(args)
        line = f"seeded {made} in {time.perf_counter() - started:.0f} s; tables {table_sizes()}"
        marker.write_text(line + "\n")
        print(line)
    if args.seed_only:
        return

    refresh_times = []
    for _ in range(2):  # the second run shows idempotence and a warm cache
        started = time.perf_counter()
        subprocess.run(
            [PY, "-m", "evidentia.cli", "transparency", "refresh"],
            check=True,
            env=os.environ.copy(),
        )
        refresh_times.append(time.perf_counter() - started)
    print("refresh (wall, incl. process start): " + ", ".join(f"{t:.1f} s" for t in refresh_times))

    (HOME / f"{SETTINGS}.py").write_text(
        "from evidentia.settings import *  # noqa: F403\nTRANSPARENCY_REQUESTS_PER_HOUR = 10**9\n"
    )
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HOME), os.environ.get("PYTHONPATH", "")])
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    year = datetime.now(UTC).year - 1
    paths = args.paths or [
        "/public/transparency/",
        f"/public/transparency/?year={year - 2}",
        f"/public/transparency/?year={year}&section=body_cameras",
        f"/public/transparency/data/use_of_force-{year}.csv",
        f"/public/transparency/data/complaints-{year}.json",
        "/public/transparency/dictionary.json",
    ]
    script = HOME / "report.lua"
    script.write_text(REPORT_LUA)
    port = free_port()
    server = start_server(port, HOME / "server.log", args.web_workers)
    try:
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            status, content, took = fetch(url)
            print(f"\n{path}: HTTP {status}, {len(content)} bytes, first {took * 1000:.0f} ms")
            if status != 200:
                print(f"  not timed: the page answered {status}")
                continue
            for _ in range(5):
                fetch(url)
            for connections in args.connections:
                med = load(url, connections, args, script, port)
                p95, rps = med["p95"] / 1000, med["rps"]
                verdict = "ok" if p95 < 300 else "OVER the 300 ms goal"
                print(f"  median c={connections}: p95 {p95:.1f} ms, {rps:.1f} req/s ({verdict})")
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
