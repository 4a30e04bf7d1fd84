from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evidentia.evidence.services.watch import Watcher


class Command(BaseCommand):
    help = "Watch a docking-station folder and ingest each file once it is stable."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir")
        parser.add_argument("--officer", help="badge for files placed directly in DIR")
        parser.add_argument("--device", default="", help="device id for those files")
        parser.add_argument("--stable-seconds", type=float, default=5.0)
        parser.add_argument("--interval", type=float, default=2.0)
        parser.add_argument("--once", action="store_true", help="exit once the folder is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["dir"])
        if not root.is_dir():
            raise CommandError(f"{root} is not a directory.")
        watcher = Watcher(
            root,
            officer_badge=options["officer"],
            device_id=options["device"],
            stable_seconds=options["stable_seconds"],
        )
        self.stdout.write(f"Watching {root} (Ctrl-C to stop)")
        try:
            while True:
                counts = watcher.scan()
                if counts:
                    self.stdout.write(", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
                if options["once"] and not watcher.candidates():
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")
