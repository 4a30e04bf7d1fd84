"""Media pipeline benchmark (not a test): proxy transcode speed against real time.

Makes a synthetic body-camera clip (default 1080p, 30 fps, 20 s, H.264/AAC) with
``evidence.demo_media.make_clip``, writes it into an encrypted vault, then times each
pipeline builder reading it back through the vault exactly as the worker does: the
browser proxy (median of N runs, reported as a multiple of real time), the poster, the
sprite sheet and the waveform. No database is needed.

    .venv/bin/python bench/bench_transcode.py [--seconds 20] [--width 1920 --height 1080]
        [--runs 3]

The demo clip (colour bars, a moving pattern, burnt-in text) compresses far better than
real street footage, so real recordings transcode somewhat slower than this.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="evidentia-bench-")
    os.environ["EVIDENTIA_HOME"] = home
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evidentia.settings")
    import django

    django.setup()
    import av

    from evidentia.evidence import demo_media, media
    from evidentia.evidence.models import Blob, Item
    from evidentia.evidence.services import stills, transcode, waveform
    from evidentia.evidence.vaultio import create_keyring_if_missing, open_blob, vault

    create_keyring_if_missing()
    work = Path(home) / "work"
    work.mkdir()
    clip = work / "clip.mp4"
    t = time.perf_counter()
    demo_media.make_clip(
        clip,
        seconds=args.seconds,
        width=args.width,
        height=args.height,
        fps=30,
        start=datetime(2026, 3, 2, 14, 3, 5, tzinfo=UTC),
        officer_badge="N-1042",
        device_id="BWC-7",
        seed=3,
    )
    made = time.perf_counter() - t
    with clip.open("rb") as source:
        w = vault().write(source, uuid.uuid4())
    blob = Blob(
        id=w.blob_id,
        sha256=w.sha256,
        size=w.size,
        storage_key=w.storage_key,
        kek_id=w.kek_id,
        wrapped_key=w.wrapped_key,
        segment_size=w.segment_size,
        mime="video/mp4",
    )
    with open_blob(blob) as source:
        info = media.probe(source)
    item = Item(blob=blob, kind="video", media=info.to_dict(), duration_seconds=info.duration)
    print(f"PyAV {av.__version__}, FFmpeg {av.ffmpeg_version_info}, {os.cpu_count()} CPUs")
    print(
        f"source: {args.width}x{args.height} {info.fps:g} fps, {info.duration:.2f} s, "
        f"{info.frame_count} frames, {blob.size / 1e6:.1f} MB (made in {made:.1f} s)"
    )

    cpu: list[float] = []

    def timed(build: Callable, runs: int) -> tuple[list[float], object]:  # type: ignore[type-arg]
        times, built = [], None
        cpu.clear()
        for _ in range(runs):
            with tempfile.TemporaryDirectory(dir=work) as tmp:
                t, c = time.perf_counter(), time.process_time()
                built = build(item, Path(tmp), lambda _f: None)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
        return times, built

    proxy_times, proxy = timed(transcode.build_proxy, args.runs)
    median = statistics.median(proxy_times)
    meta = proxy.meta  # type: ignore[attr-defined]
    print(
        f"\nproxy -> {meta['width']}x{meta['height']} {meta['frames']} frames, "
        f"preset {transcode.PRESET} crf {transcode.CRF}"
    )
    print(f"  runs: {' / '.join(f'{x:.2f}' for x in proxy_times)} s")
    print(f"  median {median:.2f} s = {info.duration / median:.2f}x real time")
    print(
        f"  CPU time, all threads: median {statistics.median(cpu):.2f} s "
        f"(other load on the machine inflates wall time, not this)"
    )
    for name, build in (
        ("poster", stills.build_poster),
        ("sprite", stills.build_sprite),
        ("waveform", waveform.build_waveform),
    ):
        times, _ = timed(build, args.runs)
        print(
            f"{name:<9} median {statistics.median(times) * 1000:7.0f} ms  (runs: "
            f"{' / '.join(f'{x * 1000:.0f}' for x in times)} ms)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
