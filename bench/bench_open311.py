"""Open311 and the public portal under load (issue 5). Not a test.

    .venv/bin/python bench/bench_open311.py [--reports 100000] [--runs 3] [--duration 20] \
        [--connections 1 4 16] [--threads 2] [--web-workers 2*cores] \
        [--path /open311/v2/requests.json --path /public/]

Creates a fresh SQLite database in a temporary EVIDENTIA_HOME (`evidentia init`), seeds
`--reports` community reports with bulk_create (spread over a year, mixed categories and
statuses, some moderated, public replies, internal notes and private replies), starts
the real server (`evidentia serve --no-worker`: gunicorn, 2 workers x 4 gthreads, as
script/server runs it) on a free loopback port and loads each path with wrk, once per
connection count, `--runs` times. Prints p50/p95/p99 latency and requests/s, with the
median of the runs. wrk runs on the same machine as the server and takes CPU from it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

HOME = Path(os.environ.get("EVIDENTIA_HOME") or tempfile.mkdtemp(prefix="evidentia-bench-"))
os.environ["EVIDENTIA_HOME"] = str(HOME)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")
PY = sys.executable
BATCH = 5000
# wrk's own percentiles, as one JSON line (its --latency table has no p95).
REPORT_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"p50": %d, "p95": %d, "p99": %d, "requests": %d, "seconds": %.3f, '
    .. '"non2xx": %d, "socket_errors": %d, "bytes": %d}\\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration / 1e6, e.status,
    e.connect + e.read + e.write + e.timeout, summary.bytes))
end
"""
# Weights: what residents report most, with a few complaints (restricted) among them.
MIX = {
    "graffiti": 24,
    "noise": 20,
    "traffic-hazard": 12,
    "abandoned-vehicle": 10,
    "suspicious-activity": 12,
    "drug-activity": 6,
    "compliment": 3,
    "officer-complaint": 2,
    "other": 11,
}
PLACES = [(45.5190, -122.6794), (45.5231, -122.6765), (45.5122, -122.6587), (45.5426, -122.6500)]
WHAT = [
    "Fresh tags on the wall by the bus stop",
    "Music very loud from the flat upstairs",
    "Car parked across the cycle lane",
    "Broken glass all over the crossing",
    "Van with flat tyres, not moved in weeks",
    "People shouting in the car park late at night",
    "Someone keeps trying car door handles",
    "Fallen branch blocking half the road",
]
WHEN = ["since Monday", "every night this week", "this morning", "for about a month", "again"]


def seed(n: int, rng: random.Random) -> None:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from evidentia.community.models import Report, ReportUpdate, Service, Visibility

    if Report.objects.exists():
        raise SystemExit("The database already holds reports; give the benchmark an empty one.")
    services = {s.code: s for s in Service.objects.all()}
    codes = [c for c in MIX if c in services]
    weights = [MIX[c] for c in codes]
    now = timezone.now()
    year = 365 * 86400
    for start in range(0, n, BATCH):
        rows, updates = [], []
        for i in range(start, min(start + BATCH, n)):
            service = services[rng.choices(codes, weights)[0]]
            # A little busier lately, as a portal that is catching on.
            age = timedelta(seconds=int(year * rng.random() ** 1.2))
            created = now - age
            lat, lon = rng.choice(PLACES)
            lat, lon = lat + rng.gauss(0, 0.02), lon + rng.gauss(0, 0.03)
            open_ = age < timedelta(days=rng.choice([3, 7, 14, 30]))
            status = rng.choice(["received", "in_progress"] if open_ else ["resolved", "closed"])
            text = f"{rng.choice(WHAT)} {rng.choice(WHEN)}."
            if i % 50 == 0:
                text += " Call me on 503 555 0199 if you need more."
            contact = rng.random() < 0.4
            updated = created + timedelta(hours=rng.randrange(1, 200))
            rows.append(
                Report(
                    public_id=f"B{i:09d}",
                    code_hash=hashlib.sha256(f"code{i}".encode()).hexdigest(),
                    token=f"{i:032x}",
                    service=service,
                    description=text,
                    moderated=i % 20 == 0,
                    public_description=text.split(" Call")[0] if i % 20 == 0 else "",
                    address=f"{rng.randrange(1, 3000)} SW Main St" if i % 3 == 0 else "",
                    lat=lat,
                    lon=lon,
                    contact_name="Resident Name" if contact else "",
                    contact_email=f"resident{i}@example.org" if contact else "",
                    via=rng.choice(["web", "web", "web", "open311"]),
                    status=status,
                    restricted=service.standards,
                    public=service.public and not service.standards,
                    created_at=created,
                    updated_at=min(updated, now),
                    closed_at=None if open_ else min(updated, now),
                )
            )
        with transaction.atomic():
            Report.objects.bulk_create(rows)
            for report in rows:
                if rng.random() < 0.25:
                    for k in range(rng.randrange(1, 4)):
                        updates.append(
                            ReportUpdate(
                                report=report,
                                kind="reply",
                                visibility=rng.choice(
                                    [Visibility.PUBLIC, Visibility.INTERNAL, Visibility.REPORTER]
                                ),
                                text=f"Update {k + 1}: crew sent, {rng.choice(WHEN)}.",
                                created_at=report.created_at + timedelta(hours=k + 1),
                            )
                        )
            ReportUpdate.objects.bulk_create(updates)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log: Path, workers: int) -> subprocess.Popen:
    command = [PY, "-m", "evidentia.cli", "serve", "--no-worker", "--port", str(port)]
    command += ["--web-workers", str(workers)]
    print("server:", " ".join(command[1:]))
    server = subprocess.Popen(
        command, stdout=log.open("w"), stderr=subprocess.STDOUT, env=os.environ.copy()
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/open311/v2/services.json")
            return server
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"The server did not start; see {log}")


def fetch(url: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url) as answer:  # noqa: S310 - loopback only
            return answer.status, answer.read(), time.perf_counter() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.perf_counter() - started


def spread(port: int) -> str:
    """How wrk's keep-alive connections sit across gunicorn's worker processes, e.g.
    "2+2" or "4+0": a gthread worker accepts whatever arrives, whether or not the other
    is idle, and one process runs Python on one core at a time."""
    if shutil.which("ss") is None:
        return "?"
    listing = subprocess.run(
        ["ss", "-tnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    pids = re.findall(r"pid=(\d+)", listing)
    counts = sorted((pids.count(p) for p in set(pids)), reverse=True)
    return "+".join(map(str, counts)) or "0"


def wrk(url: str, threads: int, connections: int, seconds: int, script: Path, port: int) -> dict:
    threads = min(threads, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s", str(script)]
    load = subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True)
    time.sleep(min(seconds / 2, 5))
    where = spread(port)
    output, _ = load.communicate()
    if load.returncode:
        raise SystemExit(f"wrk failed: {output}")
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    found = json.loads(line.removeprefix("RESULT "))
    found["rps"] = found["requests"] / found["seconds"]
    found["command"] = " ".join([*command, url])
    found["spread"] = where
    return found


def load(url: str, connections: int, args, script: Path, port: int) -> dict[str, float]:
    """`args.runs` wrk runs of `args.duration` s at `connections`: each printed, and the
    median of every figure returned (also used by bench_transparency.py)."""
    results = [
        wrk(url, args.threads, connections, args.duration, script, port) for _ in range(args.runs)
    ]
    print(f"  {results[0]['command']}")
    for r in results:
        print(
            f"    p50 {r['p50'] / 1000:7.1f} ms  p95 {r['p95'] / 1000:7.1f} ms  "
            f"p99 {r['p99'] / 1000:7.1f} ms  {r['rps']:7.1f} req/s  "
            f"non-2xx {r['non2xx']}  socket errors {r['socket_errors']}  "
            f"connections per worker {r['spread']}"
        )
    return {
        k: statistics.median(r[k] for r in results)
        for k in results[0]
        if k not in ("command", "spread")
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--path", action="append", dest="paths")
    parser.add_argument(
        "--web-workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="as `evidentia serve` (two per core)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    args = parser.parse_args()
    paths = args.paths or ["/open311/v2/requests.json", "/public/"]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    print(f"EVIDENTIA_HOME={HOME}")
    subprocess.run([PY, "-m", "evidentia.cli", "init"], check=True, env=os.environ.copy())
    started = time.perf_counter()
    seed(args.reports, random.Random(5))
    print(f"seeded {args.reports} reports in {time.perf_counter() - started:.0f} s")
    script = HOME / "report.lua"
    script.write_text(REPORT_LUA)
    port = free_port()
    server = start_server(port, HOME / "server.log", args.web_workers)
    try:
        for path in paths:
            url = f"http://127.0.0.1:{port}{path}"
            status, content, took = fetch(url)
            print(
                f"\n{path}: HTTP {status}, {len(content)} bytes, first fetch {took * 1000:.0f} ms"
            )
            if path.endswith(".json") and status == 200:
                print(f"  {len(json.loads(content))} requests in the default answer")
            elif status != 200:
                print(f"  answer: {content[:80]!r}")
            for _ in range(5):  # warm both workers' caches and connections
                fetch(url)
            for connections in args.connections:
                med = load(url, connections, args, script, port)
                print(
                    f"  median c={connections}: p50 {med['p50'] / 1000:.1f} ms, "
                    f"p95 {med['p95'] / 1000:.1f} ms, p99 {med['p99'] / 1000:.1f} ms, "
                    f"{med['rps']:.1f} req/s"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(HOME, ignore_errors=True)


if __name__ == "__main__":
    main()
