"""Redaction benchmark: evidentia's engine against deface, side by side, on the CPU.

    .venv/bin/python bench/redaction.py [--only NAME ...] [--skip-deface-full]

For every video in ../shared/data/video/faces/ (*.mkv, ephys_test_vid.mp4),
../shared/data/video/faces-hard/*.mp4 and a 1920x1080 30 fps ~20 s clip made here from
the ASL clips, it measures:

- speed: frames per second of the engine (detect + render, in process) against
  ``deface IN -o OUT --scale 640x360`` (its CLI, from the venv) and a plain
  decode+encode with the same encoder settings and no detection (the ceiling);
- misses: a reference face "leaks" in a frame when the correlation of the high-pass
  image (image minus its Gaussian blur) inside the face box, original against output,
  is above 0.5. References are the .gt.json boxes where a clip has them, else CenterFace
  at full resolution on the original (threshold 0.5). Compared with deface at full
  resolution (no --scale). The ephys face centres must be changed in every frame;
- over-redaction: pixels changed (by more than 12 grey levels) outside the 1.6x
  enlarged reference boxes, as a share of the frame, averaged over frames.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "video"
sys.path.insert(0, str(ROOT / "src"))

from evidentia.redaction import engine  # noqa: E402
from evidentia.redaction.detectors import CenterFaceDetector  # noqa: E402
from evidentia.redaction.plan import Plan  # noqa: E402

DEFACE = ROOT / ".venv" / "bin" / "deface"
LEAK_CORR = 0.5
CHANGED = 12


def make_1080p(out: Path, seconds: float = 20.0) -> Path:
    """The ASL clips scaled to 1440x1080, padded to 1920x1080, looped to ~20 s at 30 fps."""
    clips = sorted((SHARED / "faces").glob("asl_*.mkv"))
    frames = round(seconds * 30)
    container = av.open(str(out), "w")
    stream = container.add_stream("libx264", rate=30, options={"preset": "veryfast", "crf": "18"})
    stream.width, stream.height, stream.pix_fmt = 1920, 1080, "yuv420p"
    n = 0
    while n < frames:
        for clip in clips:
            with av.open(str(clip)) as src:
                for frame in src.decode(video=0):
                    if n >= frames:
                        break
                    rgb = cv2.resize(frame.to_ndarray(format="rgb24"), (1440, 1080))
                    canvas = np.zeros((1080, 1920, 3), np.uint8)
                    canvas[:, 240:1680] = rgb
                    out_frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
                    out_frame.pts = n
                    container.mux(stream.encode(out_frame))
                    n += 1
    container.mux(stream.encode(None))
    container.close()
    return out


def gray_frames(path: Path):
    with av.open(str(path)) as c:
        for frame in c.decode(video=0):
            yield frame.to_ndarray(format="gray").astype(np.float32)


def highpass(img: np.ndarray) -> np.ndarray:
    return img - cv2.GaussianBlur(img, (0, 0), 2.0)


def corr(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    denom = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / denom) if denom > 1e-6 else 0.0


def reference_boxes(path: Path) -> dict[int, list[list[float]]]:
    gt = path.with_suffix(".gt.json")
    if gt.exists():
        data = json.loads(gt.read_text())
        return {int(k): v for k, v in data.get("frames", data).items()}
    detector = CenterFaceDetector(threshold=0.5, scale=None)
    refs = {}
    with av.open(str(path)) as c:
        for i, frame in enumerate(c.decode(video=0)):
            refs[i] = [list(d.box) for d in detector.detect(frame.to_ndarray(format="rgb24"))]
    return refs


def clip_box(box, w: int, h: int, grow: float = 1.0) -> tuple[int, int, int, int]:
    x1, y1, x2, y2 = box
    cx, cy, bw, bh = (x1 + x2) / 2, (y1 + y2) / 2, (x2 - x1) * grow, (y2 - y1) * grow
    return (
        max(0, int(cx - bw / 2)),
        max(0, int(cy - bh / 2)),
        min(w, int(np.ceil(cx + bw / 2))),
        min(h, int(np.ceil(cy + bh / 2))),
    )


def quality(src: Path, out: Path, refs: dict[int, list[list[float]]], centres=None) -> dict:
    faces = leaks = 0
    over: list[float] = []
    centre_misses = 0
    for i, (a, b) in enumerate(zip(gray_frames(src), gray_frames(out), strict=False)):
        h, w = a.shape
        if b.shape != a.shape:
            b = cv2.resize(b, (w, h))
        ha, hb = highpass(a), highpass(b)
        outside = np.ones_like(a, dtype=bool)
        for box in refs.get(i, []):
            x1, y1, x2, y2 = clip_box(box, w, h)
            if x2 - x1 < 4 or y2 - y1 < 4:
                continue
            faces += 1
            if corr(ha[y1:y2, x1:x2], hb[y1:y2, x1:x2]) > LEAK_CORR:
                leaks += 1
            gx1, gy1, gx2, gy2 = clip_box(box, w, h, 1.6)
            outside[gy1:gy2, gx1:gx2] = False
        over.append(float((np.abs(a - b)[outside] > CHANGED).sum()) / a.size)
        if centres is not None and i < len(centres):
            x, y = (round(v) for v in centres[i])
            pa, pb = ha[y - 16 : y + 16, x - 16 : x + 16], hb[y - 16 : y + 16, x - 16 : x + 16]
            if corr(pa, pb) > LEAK_CORR:
                centre_misses += 1
    return {
        "faces": faces,
        "leak_pct": 100 * leaks / faces if faces else 0.0,
        "over_pct": 100 * float(np.mean(over)) if over else 0.0,
        "centre_misses": centre_misses if centres is not None else None,
    }


def count_frames(path: Path) -> int:
    with av.open(str(path)) as c:
        return sum(1 for _ in c.decode(video=0))


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_deface(src: Path, out: Path, scale: str | None) -> float:
    cmd = [str(DEFACE), str(src), "-o", str(out)]
    if scale:
        cmd += ["--scale", scale]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start


def bench_file(src: Path, work: Path, deface_full: bool) -> dict:
    frames = count_frames(src)
    ours = work / f"{src.stem}.ours.mp4"
    plain = work / f"{src.stem}.plain.mp4"
    holder: dict = {}

    def ours_run() -> None:
        holder["plan"] = engine.detect(src, ["faces"])
        engine.render(src, holder["plan"], ours)

    t_ours = timed(ours_run)
    plan: Plan = holder["plan"]
    empty = Plan(plan.source, mode=plan.mode, margin=plan.margin)
    t_plain = timed(lambda: engine.render(src, empty, plain))
    t_deface = run_deface(src, work / f"{src.stem}.deface640.mp4", "640x360")
    refs = reference_boxes(src)
    centres = None
    if src.name == "ephys_test_vid.mp4":
        rows = (SHARED / "faces" / "ephys_face_centres.tsv").read_text().split("\n")[1:]
        centres = [tuple(float(v) for v in r.split()) for r in rows if r.strip()]
    q_ours = quality(src, ours, refs, centres)
    q_deface = None
    if deface_full:
        full = work / f"{src.stem}.defacefull.mp4"
        run_deface(src, full, None)
        q_deface = quality(src, full, refs, centres)
    return {
        "file": src.name,
        "frames": frames,
        "fps_ours": frames / t_ours,
        "fps_deface": frames / t_deface,
        "fps_plain": frames / t_plain,
        "ours": q_ours,
        "deface": q_deface,
        "tracks": len(plan.tracks),
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| file | frames | fps ours | fps deface 640x360 | fps plain ceiling | ours/deface | "
        "ours/ceiling | leak % ours | leak % deface full | over-redaction % ours | "
        "ephys centres missed |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        d = r["deface"]
        lines.append(
            f"| {r['file']} | {r['frames']} | {r['fps_ours']:.1f} | {r['fps_deface']:.1f} | "
            f"{r['fps_plain']:.1f} | {r['fps_ours'] / r['fps_deface']:.2f}x | "
            f"{r['fps_ours'] / r['fps_plain']:.2f} | {r['ours']['leak_pct']:.2f} "
            f"({r['ours']['faces']}) | {'-' if d is None else format(d['leak_pct'], '.2f')} | "
            f"{r['ours']['over_pct']:.2f} | "
            f"{'-' if r['ours']['centre_misses'] is None else r['ours']['centre_misses']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="file names to run (default: all)")
    parser.add_argument("--skip-deface-full", action="store_true")
    parser.add_argument("--json", help="also write the raw results here")
    args = parser.parse_args()
    if not SHARED.exists():
        sys.exit(f"{SHARED} is absent: the benchmark needs ../shared/data/video")
    with tempfile.TemporaryDirectory(prefix="bench-redaction-") as tmp:
        work = Path(tmp)
        files = sorted((SHARED / "faces").glob("*.mkv"))
        files += [
            SHARED / "faces" / "ephys_test_vid.mp4",
            *sorted((SHARED / "faces-hard").glob("*.mp4")),
        ]
        if not args.only or "1080p.mp4" in args.only:
            files.append(make_1080p(work / "1080p.mp4"))
        if args.only:
            files = [f for f in files if f.name in args.only]
        rows = []
        for src in files:
            row = bench_file(src, work, not args.skip_deface_full)
            rows.append(row)
            print(table([row]).split("\n")[-1], flush=True)
        print()
        print(
            f"cpu cores: {len(__import__('os').sched_getaffinity(0))}, av {av.__version__}, "
            f"rate {Fraction(30)} fps for the 1080p clip"
        )
        print(table(rows))
        if args.json:
            Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
