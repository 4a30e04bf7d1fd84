from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run the web server, the Celery worker and beat together (what script/server runs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        # Two processes per core: one slow request (a 1,000-row Open311 page) then holds
        # only half a core's workers (docs/benchmarks.md, Open311).
        parser.add_argument("--web-workers", type=int, default=2 * (os.cpu_count() or 1))
        parser.add_argument("--no-worker", action="store_true", help="web only")

    def handle(self, *args: Any, **options: Any) -> None:
        py = sys.executable
        commands = {
            "web": [
                py,
                "-m",
                "gunicorn",
                "evidentia.wsgi:application",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                str(options["web_workers"]),
                "--threads",
                "4",
                "--worker-class",
                "gthread",
                "--timeout",
                "120",
                "--access-logfile",
                "-",
                "--logger-class",
                "evidentia.core.logscrub.PrivacyLogger",
                "--log-level",
                "warning",
            ],
        }
        if not options["no_worker"]:
            commands["worker"] = [
                py,
                "-m",
                "celery",
                "-A",
                "evidentia",
                "worker",
                "-Q",
                "celery,redaction",
                "--beat",
                "--concurrency",
                "2",
                "--loglevel",
                "warning",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ]
        # The commands are fixed lists built above; nothing comes from user input.
        children = {
            name: subprocess.Popen(cmd, env=os.environ.copy())  # noqa: S603
            for name, cmd in commands.items()
        }
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(
            self.style.SUCCESS(f"Evidentia is up on http://{options['host']}:{options['port']}/")
        )
        failed = ""
        while not stopping and not failed:
            for name, child in children.items():
                if child.poll() is not None:
                    failed = f"the {name} process exited with status {child.returncode}"
            time.sleep(0.5)
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        if failed:
            raise CommandError(failed)
