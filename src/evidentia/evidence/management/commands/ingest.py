from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from evidentia.core.errors import EvidentiaError
from evidentia.evidence.management.commands._common import cli_actor, submission
from evidentia.evidence.models import Item
from evidentia.evidence.services.ingest import ingest_path
from evidentia.evidence.services.processing import link_track, process


class Command(BaseCommand):
    help = "Ingest files into the evidence vault."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+")
        parser.add_argument(
            "--officer", required=True, help="badge number of the recording officer"
        )
        parser.add_argument("--device", help="camera or device id")
        parser.add_argument("--case", help="case number to link to")
        parser.add_argument("--category")
        parser.add_argument(
            "--recording", help="for a GPS file: the id of the recording it belongs to"
        )
        parser.add_argument("--no-process", action="store_true", help="leave probing to the worker")

    def handle(self, *args: Any, **options: Any) -> None:
        recording = None
        if options["recording"]:
            recording = Item.objects.filter(pk=options["recording"]).first()
            if recording is None:
                raise CommandError(f"No evidence item {options['recording']}.")
        failed = 0
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, disable=not sys.stderr.isatty()) as bar:
            for path in options["files"]:
                name = os.path.basename(path)
                try:
                    size = os.path.getsize(path)
                    task = bar.add_task(name[:40], total=size)
                    result = ingest_path(
                        path,
                        submission(name, "cli", options),
                        actor=cli_actor(),
                        progress=lambda done, t=task: bar.update(t, completed=done),
                    )
                except (OSError, EvidentiaError) as exc:
                    failed += 1
                    message = getattr(exc, "message", None) or str(exc)
                    bar.console.print(f"[red]✗ {name}: {message}[/red]")
                    continue
                item = result.item
                if recording is not None and item.kind == "gps":
                    link_track(item, recording, actor=cli_actor(), how="explicit")
                if not options["no_process"] and result.created:
                    process(item)
                status = "already in the vault as" if not result.created else "ingested as"
                note = (
                    f" (processing failed: {item.processing_error})"
                    if item.processing == "failed"
                    else ""
                )
                bar.console.print(f"✓ {name} {status} {item.pk} sha256 {item.blob.sha256}{note}")
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} files were not ingested.")
