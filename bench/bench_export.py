"""Export and verify-export benchmark (not a test).

Makes a case of N synthetic clips (random bytes, MP4-named, default 20 x 100 MiB) and
ingests them through the real ingest into a throwaway EVIDENTIA_HOME. Then, alternating,
N runs each (after one warm-up of each):

- `export` of the case to a ZIP, against `zip -0 -q -r` of the same plaintext files;
- `verify_bag` of that ZIP, and of the same export as a directory, against `sha256sum`
  of the bag's files (the directory bag's files; for the ZIP, the one ZIP file).

The page cache cannot be dropped here, so every measurement is "warm". Pin to two cores
with taskset, as docs/benchmarks.md does:

    taskset -c 0,1 .venv/bin/python bench/bench_export.py [--clips 20] [--clip-mib 100]
        [--runs 3] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

MiB = 1 << 20


def make_file(path: Path, size: int) -> None:
    with path.open("wb") as f:
        left = size
        while left:
            n = min(left, 16 * MiB)
            f.write(os.urandom(n))
            left -= n


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run(cmd: list[str], cwd: Path | None = None) -> None:
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL)


def files_of(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=20)
    parser.add_argument("--clip-mib", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-export-", dir=args.dir))
    os.environ["EVIDENTIA_HOME"] = str(work / "home")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.CELERY_TASK_ALWAYS_EAGER = False
    call_command("migrate", verbosity=0)
    from evidentia.accounts.models import Role, User
    from evidentia.cases import services as cases
    from evidentia.evidence.services.ingest import Submission, ingest_path
    from evidentia.evidence.vaultio import create_keyring_if_missing
    from evidentia.sharing.services import exports
    from evidentia.sharing.verify import verify_bag

    create_keyring_if_missing()
    carmen = User.objects.create_user("carmen", password="x" * 20, role=Role.CUSTODIAN)
    case = cases.create_case(number="BENCH-1", title="Benchmark", actor=carmen)
    plain = work / "plain"
    plain.mkdir()
    t = time.perf_counter()
    for n in range(args.clips):
        path = plain / f"clip-{n:02d}.mp4"
        make_file(path, args.clip_mib * MiB)
        ingest_path(path, Submission(path.name, via="cli", case=case), actor=carmen)
    total = args.clips * args.clip_mib * MiB
    print(f"{args.clips} clips, {total / 1e9:.2f} GB ingested in {time.perf_counter() - t:.1f} s")

    out = work / "out"
    out.mkdir()
    results: dict[str, list[float]] = {k: [] for k in ("export", "zip0", "vzip", "vdir", "sum")}
    for i in range(args.runs + 1):
        for p in out.iterdir():
            shutil.rmtree(p) if p.is_dir() else p.unlink()
        e = timed(lambda: exports.export(carmen, case=case, out=out / "case.zip"))
        z = timed(lambda: run(["zip", "-0", "-q", "-r", str(out / "base.zip"), "."], plain))
        exports.export(carmen, case=case, out=out / "bag")
        s = timed(lambda: run(["sha256sum", *files_of(out / "bag")]))
        vd = timed(lambda: verify_bag(out / "bag"))
        vz = timed(lambda: verify_bag(out / "case.zip"))
        assert verify_bag(out / "case.zip").ok
        if i == 0:
            continue  # warm-up
        for key, value in zip(results, (e, z, vz, vd, s), strict=True):
            results[key].append(value)
        print(
            f"run {i}: export {e:.2f} s, zip -0 {z:.2f} s, verify zip {vz:.2f} s, "
            f"verify dir {vd:.2f} s, sha256sum {s:.2f} s"
        )
    med = {k: statistics.median(v) for k, v in results.items()}
    print(
        f"median export {med['export']:.2f} s vs zip -0 {med['zip0']:.2f} s: "
        f"ratio {med['export'] / med['zip0']:.2f} (goal <= 1.5)"
    )
    print(
        f"median verify zip {med['vzip']:.2f} s, dir {med['vdir']:.2f} s vs sha256sum "
        f"{med['sum']:.2f} s: ratios {med['vzip'] / med['sum']:.2f} / "
        f"{med['vdir'] / med['sum']:.2f} (goal <= 1.2)"
    )
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
