"""Placeholder until its helper fills it: the subcommand refuses to run."""

from __future__ import annotations

from typing import Any

from evidentia.core.errors import Rejected


def add_arguments(parser: Any) -> None:
    pass


def handle(options: dict[str, Any], out: Any) -> None:
    raise Rejected("This subcommand is not available yet.")
