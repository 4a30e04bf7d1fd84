"""`evidentia redact IN --auto faces[,plates] --out OUT`: the engine from the shell.

Touches no database: it reads a file and writes a file (plus, on request, the plan and
the review log).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from evidentia.redaction import engine
from evidentia.redaction import plan as plans
from evidentia.redaction.detectors import DETECTORS
from evidentia.redaction.plan import MODES


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise CommandError(f"--scale must look like 640x360, not {text!r}") from None
    if w < 32 or h < 32:
        raise CommandError("--scale must be at least 32x32")
    return w, h


class Command(BaseCommand):
    help = "Redact faces (and plates) in a video or image file. No database is used."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="video or image file (never modified)")
        parser.add_argument(
            "--out", required=True, help="redacted output (.mp4, or .jpg/.png for images)"
        )
        parser.add_argument(
            "--auto", default="", help=f"detectors, comma-separated: {','.join(DETECTORS)}"
        )
        parser.add_argument("--plan", help="plan JSON: rendered from if it exists, else written")
        parser.add_argument("--mode", choices=MODES, default=None, help="how regions are hidden")
        parser.add_argument("--review-log", help="write the review log (JSON) here")
        parser.add_argument("--every", type=int, default=None, help="detect on every K-th frame")
        parser.add_argument("--scale", default=None, help="detector input size bound, WxH")
        parser.add_argument(
            "--threshold", type=float, default=None, help="detector score threshold"
        )
        parser.add_argument(
            "--margin", type=float, default=None, help="mask margin, share of box size"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        src, out = Path(options["input"]), Path(options["out"])
        kinds = [k.strip() for k in options["auto"].split(",") if k.strip()]
        unknown = [k for k in kinds if k not in DETECTORS]
        if unknown:
            raise CommandError(f"--auto accepts {', '.join(DETECTORS)}; not {', '.join(unknown)}")
        if options["every"] is not None and options["every"] < 1:
            raise CommandError("--every must be at least 1")
        plan_path = Path(options["plan"]) if options["plan"] else None
        try:
            with _bar() as bar:
                if plan_path is not None and plan_path.exists():
                    plan = plans.load(plan_path)
                    self._override(plan, options)
                else:
                    if not kinds:
                        raise CommandError(
                            "nothing to do: give --auto faces[,plates] or an existing --plan"
                        )
                    task = bar.add_task("Detecting", total=1.0)
                    plan = engine.detect(
                        src,
                        kinds,
                        every=options["every"],
                        scale=_size(options["scale"]) if options["scale"] else None,
                        threshold=options["threshold"],
                        margin=options["margin"]
                        if options["margin"] is not None
                        else engine.DEFAULT_MARGIN,
                        mode=options["mode"] or "blur",
                        progress=lambda f: bar.update(task, completed=f),
                    )
                    if plan_path is not None:
                        plans.save(plan, plan_path)
                task = bar.add_task("Rendering", total=1.0)
                stats = engine.render(
                    src, plan, out, progress=lambda f: bar.update(task, completed=f)
                )
        except (engine.RedactionError, plans.PlanError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["review_log"]:
            log = engine.review_log(plan, stats)
            Path(options["review_log"]).write_text(json.dumps(log, indent=1, sort_keys=True))
        included = sum(1 for t in plan.tracks if t.included)
        self.stdout.write(
            self.style.SUCCESS(
                f"Redacted {included} of {len(plan.tracks)} tracks over {stats['frames']} frames "
                f"({plan.mode}) into {out}"
            )
        )

    @staticmethod
    def _override(plan: plans.Plan, options: dict[str, Any]) -> None:
        if options["mode"]:
            plan.mode = options["mode"]
        if options["margin"] is not None:
            plan.margin = options["margin"]


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )
