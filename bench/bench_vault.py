"""Vault ingest and range-read benchmark (not a test).

Creates a random file (default 1 GiB), then alternately times ``sha256sum FILE``
and ``Vault.write`` of the same file into a LocalStore, N runs each (after one
warm-up run of each), and prints medians and the ratio ingest / sha256sum.
Then times 1 MiB range reads at offset 900 MiB. The page cache cannot be
dropped here, so every measurement is "warm".

    .venv/bin/python bench/bench_vault.py [--size-mib 1024] [--runs 5] [--dir /tmp]
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from evidentia.core.keys import KeyRing
from evidentia.core.storage import LocalStore
from evidentia.core.vault import Vault, WriteResult

MiB = 1 << 20


def make_file(path: Path, size: int) -> None:
    with path.open("wb") as f:
        left = size
        while left:
            n = min(left, 16 * MiB)
            f.write(os.urandom(n))
            left -= n


def time_sha256sum(path: Path) -> tuple[float, str]:
    t = time.perf_counter()
    out = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True)
    return time.perf_counter() - t, out.stdout.split()[0]


def time_hashlib(path: Path) -> float:
    """Reference: Python/OpenSSL SHA-256 alone, same read pattern, no encryption or write."""
    buf = memoryview(bytearray(8 * MiB))
    h = hashlib.sha256()
    t = time.perf_counter()
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buf):
            h.update(buf[:n])
    return time.perf_counter() - t


def time_ingest(vault: Vault, path: Path) -> tuple[float, WriteResult]:
    t = time.perf_counter()
    with path.open("rb", buffering=0) as f:
        res = vault.write(f, uuid.uuid4())
    return time.perf_counter() - t, res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--reads", type=int, default=50)
    ap.add_argument("--segment-size", type=int, default=MiB)
    ap.add_argument("--dir", default=None, help="where to put the test file and the store")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="evidentia-bench-", dir=args.dir))
    try:
        src = work / "input.bin"
        size = args.size_mib * MiB
        print(f"creating {args.size_mib} MiB of random data in {src} ...", file=sys.stderr)
        make_file(src, size)
        os.sync()  # don't let writeback of the input compete with the timed runs
        store = LocalStore(work / "store")
        vault = Vault(store, KeyRing.generate(), segment_size=args.segment_size)

        _, expected = time_sha256sum(src)  # warm-up runs
        _, res = time_ingest(vault, src)
        assert res.sha256 == expected, "ingest hash differs from sha256sum"
        store.delete(res.storage_key)

        sums: list[float] = []
        ingests: list[float] = []
        hashes: list[float] = []
        for i in range(args.runs):
            sums.append(time_sha256sum(src)[0])
            hashes.append(time_hashlib(src))
            dt, res = time_ingest(vault, src)
            ingests.append(dt)
            if i < args.runs - 1:
                store.delete(res.storage_key)
            print(f"run {i + 1}: sha256sum {sums[-1]:.3f} s, ingest {dt:.3f} s", file=sys.stderr)

        ref = res.ref
        offset = min(900 * MiB, max(0, res.size - MiB))
        t = time.perf_counter()
        first = vault.read_range(ref, offset, MiB)  # blob pages are not cached (O_DIRECT)
        first_ms = (time.perf_counter() - t) * 1000
        with src.open("rb") as f:
            f.seek(offset)
            assert first == f.read(MiB)
        reads: list[float] = []
        for _ in range(args.reads):
            t = time.perf_counter()
            vault.read_range(ref, offset, MiB)
            reads.append(time.perf_counter() - t)
        t = time.perf_counter()
        ok, _, err = vault.verify(ref, expected)
        verify_s = time.perf_counter() - t
        assert ok, err

        m_sum, m_ing = statistics.median(sums), statistics.median(ingests)
        m_hash = statistics.median(hashes)
        m_read = statistics.median(reads) * 1000
        rows = [
            ("`sha256sum`", f"{m_sum:.3f} s ({size / m_sum / 1e9:.2f} GB/s)"),
            ("hashlib SHA-256 alone (reference)", f"{m_hash:.3f} s"),
            ("`Vault.write` (hash + encrypt + fsync)", f"{m_ing:.3f} s"),
            ("**ratio ingest / sha256sum**", f"**{m_ing / m_sum:.2f}** (goal <= 1.5)"),
            ("ratio ingest / hashlib alone", f"{m_ing / m_hash:.2f}"),
            (f"1 MiB range read at {offset // MiB} MiB", f"{m_read:.2f} ms (goal < 20 ms)"),
            ("first such read, right after ingest", f"{first_ms:.2f} ms (single sample)"),
            ("`Vault.verify` (decrypt + SHA-256, once)", f"{verify_s:.3f} s"),
        ]
        cpus = os.cpu_count()
        print(f"\n### Vault benchmark: {args.size_mib} MiB, {cpus} CPUs, median of {args.runs}\n")
        print("| measurement | median |\n|---|---|")
        for name, value in rows:
            print(f"| {name} | {value} |")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
