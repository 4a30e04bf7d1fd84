"""Configuration from environment variables, with `NAME_FILE` for secrets (rule 10)."""

from __future__ import annotations

import os
from pathlib import Path


def env(name: str, default: str | None = None) -> str | None:
    """Read NAME, or the contents of the file named by NAME_FILE, else the default."""
    value = os.environ.get(name)
    if value is not None:
        return value
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None or value == "" else int(value)


def home() -> Path:
    """EVIDENTIA_HOME holds every piece of state of the embedded default."""
    return Path(env("EVIDENTIA_HOME", "./var") or "./var").resolve()
