"""Resumable-upload throughput: tus into the vault vs. a plain `curl -T` (not a test).

On loopback it starts two gunicorn servers with the same settings as `evidentia serve`
(2 workers x 4 gthread threads): the real app, in its own temporary EVIDENTIA_HOME
(`evidentia init`, `evidentia demo --clips 0`, a token for the demo officer), and a
minimal WSGI app that streams the request body to a file and fsyncs it (the tus server
fsyncs too before it acknowledges bytes). Then, alternately, N times each: `curl -T FILE`
to the sink, and a tuspy upload of the same random file to /api/v1/uploads/, timed
from the creation POST to the final PATCH's answer, which includes the vault ingest
(SHA-256 + AES-256-GCM + fsync). Each run uploads fresh random bytes (no dedupe).
Prints medians and the ratio of throughputs.

`--chunk-mib 0` sends the whole file in one PATCH (tuspy's and tus-js-client's default);
`--no-live` turns off the live vault writers (services/uploads_live.py) in the server,
so completion re-reads the part file as before, for comparison.

    .venv/bin/python bench/bench_tus.py [--size-mib 512] [--runs 3] [--chunk-mib 32]
        [--no-live] [--checksum]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests
from tusclient.client import TusClient
from tusclient.uploader import Uploader

MiB = 1 << 20
ROOT = Path(__file__).resolve().parents[1]
GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread", "--timeout", "300"]
SINK = """
import os

TARGET = os.environ["SINK_FILE"]


def application(environ, start_response):
    left = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"]
    fd = os.open(TARGET, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while left > 0:
            data = body.read(min(4 << 20, left))
            if not data:
                break
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            left -= len(data)
        os.fsync(fd)
    finally:
        os.close(fd)
    start_response("201 Created", [("Content-Length", "0")])
    return [b""]
"""


class Sha256Uploader(Uploader):
    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def fresh_file(src: Path, size: int, sink: Path) -> None:
    """New random bytes each run, so the vault never takes the dedupe shortcut; the
    sink's previous file is removed untimed (this disk is mounted with `discard`, where
    truncating a large file waits for TRIM), and background work settles."""
    with src.open("wb") as f:
        for _ in range(size // (16 * MiB)):
            f.write(os.urandom(16 * MiB))
        f.write(os.urandom(size % (16 * MiB)))
    sink.unlink(missing_ok=True)
    os.sync()
    time.sleep(2)


def evidentia(env: dict[str, str], *args: str) -> str:
    cmd = [sys.executable, "-m", "evidentia.cli", *args]
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout


NO_LIVE = """
def post_worker_init(worker):
    from evidentia.evidence.services import uploads_live

    uploads_live.MAX_LIVE = 0
"""


def serve(
    app: str, port: int, env: dict[str, str], cwd: Path, *extra: str
) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *GUNICORN]
    cmd += extra
    return subprocess.Popen(cmd, env=env, cwd=cwd, stderr=subprocess.DEVNULL)


def wait_up(url: str, method: str = "GET") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.request(method, url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def time_curl(src: Path, port: int) -> float:
    t = time.perf_counter()
    out = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "-H",
            "Expect:",
            "-T",
            str(src),
            f"http://127.0.0.1:{port}/upload",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    dt = time.perf_counter() - t
    assert out.stdout == "201", out.stdout
    return dt


def time_tus(src: Path, port: int, token: str, chunk: int, checksum: bool) -> tuple[float, str]:
    client = TusClient(
        f"http://127.0.0.1:{port}/api/v1/uploads/", headers={"Authorization": f"Bearer {token}"}
    )
    t = time.perf_counter()
    up = Sha256Uploader(
        file_path=str(src),
        client=client,
        chunk_size=chunk,
        metadata={"filename": src.name},
        upload_checksum=checksum,
    )
    up.upload()
    dt = time.perf_counter() - t
    return dt, up.request.response_headers.get("evidentia-item", "")


def time_vault(src: Path, store_dir: Path) -> float:
    """Reference: `Vault.write` of the same file alone, the floor of the completion pass."""
    sys.path.insert(0, str(ROOT / "src"))
    from evidentia.core.keys import KeyRing
    from evidentia.core.storage import LocalStore
    from evidentia.core.vault import Vault

    store = LocalStore(store_dir)
    vault = Vault(store, KeyRing.generate(), segment_size=MiB)
    t = time.perf_counter()
    with src.open("rb", buffering=0) as f:
        written = vault.write(f, uuid.uuid4())
    dt = time.perf_counter() - t
    store.delete(written.storage_key)
    return dt


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mib", type=int, default=512)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chunk-mib", type=int, default=32, help="0: the whole file in one PATCH")
    ap.add_argument("--no-live", action="store_true", help="no live vault writers (before)")
    ap.add_argument("--checksum", action="store_true", help="send Upload-Checksum (sha256)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--dir", default=None, help="where the file and both homes go")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="evidentia-bench-tus-", dir=args.dir))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        home = work / "home"
        env = {
            **os.environ,
            "EVIDENTIA_HOME": str(home),
            "DJANGO_SETTINGS_MODULE": "evidentia.settings",
            "PYTHONPATH": str(ROOT / "src"),
        }
        evidentia(env, "init")
        evidentia(env, "demo", "--clips", "0")
        token = evidentia(
            env, "token", "create", "--user", "officer", "--scope", "evidence:write"
        ).strip()
        (work / "sink_app.py").write_text(SINK)
        sink_env = {**env, "SINK_FILE": str(work / "sink.bin")}
        extra: list[str] = []
        if args.no_live:
            (work / "no_live.py").write_text(NO_LIVE)
            extra = ["--config", str(work / "no_live.py")]
        procs.append(serve("evidentia.wsgi:application", args.port, env, ROOT, *extra))
        procs.append(serve("sink_app:application", args.port + 1, sink_env, work))
        wait_up(f"http://127.0.0.1:{args.port}/api/v1/uploads/", "OPTIONS")
        wait_up(f"http://127.0.0.1:{args.port + 1}/", "GET")

        src = work / "recording.bin"
        size = args.size_mib * MiB
        chunk = args.chunk_mib * MiB or size
        print(
            f"{args.size_mib} MiB, {size // chunk} PATCH(es) of {chunk // MiB} MiB, checksum "
            f"{args.checksum}, live writers {not args.no_live}, {os.cpu_count()} CPUs",
            file=sys.stderr,
        )
        curls, tuses, vaults = [], [], []
        for i in range(-2, args.runs):  # two warm-up rounds, so both workers are warm
            fresh_file(src, size, work / "sink.bin")
            dt_curl = time_curl(src, args.port + 1)
            dt, item = time_tus(src, args.port, token, chunk, args.checksum)
            if i < 0:
                continue
            curls.append(dt_curl)
            time.sleep(2)  # let the dropped part file's TRIM finish first
            vaults.append(time_vault(src, work / "reference-store"))
            assert item, "the final PATCH named no item"
            tuses.append(dt)
            print(
                f"run {i + 1}: curl {curls[-1]:.3f} s, tus {dt:.3f} s, "
                f"Vault.write alone {vaults[-1]:.3f} s",
                file=sys.stderr,
            )
        m_curl, m_tus = statistics.median(curls), statistics.median(tuses)
        m_vault = statistics.median(vaults)
        rate = lambda s: f"{size / s / MiB:.0f} MiB/s"  # noqa: E731
        print(
            f"\n### tus upload benchmark: {args.size_mib} MiB in {size // chunk} PATCH(es), "
            f"live writers {'off' if args.no_live else 'on'}, median of {args.runs}\n"
        )
        print("| measurement | median | throughput |\n|---|---|---|")
        print(
            f"| `curl -T` to a streaming sink (write + fsync) | {m_curl:.3f} s | {rate(m_curl)} |"
        )
        print(f"| tuspy to /api/v1/uploads/ (into the vault) | {m_tus:.3f} s | {rate(m_tus)} |")
        print(f"| **throughput ratio tus / curl** | **{m_curl / m_tus:.2f}** (goal >= 0.70) | |")
        print(f"| reference: `Vault.write` of the file alone | {m_vault:.3f} s | {rate(m_vault)} |")
        return 0
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
