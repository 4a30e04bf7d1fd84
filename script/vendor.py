#!/usr/bin/env python3
"""Fetch the browser libraries Evidentia serves locally, from the npm registry.

Standard library only, so a machine with nothing but python3 can set up. Each
package is pinned by version and by the registry's SHA-512 integrity; its `dist/`
files land in src/evidentia/static/vendor/<name>/ (ignored by git). Idempotent.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")
PACKAGES = {
    # name: (version, sha512 integrity from `npm view NAME@VERSION dist.integrity`)
    "leaflet": (
        "1.9.4",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
    ),
    "tus-js-client": (
        "4.3.1",
        "sha512-ZLeYmjrkaU1fUsKbIi8JML52uAocjEZtBx4DKjRrqzrZa0O4MYwT6db+oqePlspV+FxXJAyFBc/L5gwUi2OFsg==",
    ),
}
DEST = Path(__file__).resolve().parents[1] / "src" / "evidentia" / "static" / "vendor"


def fetch(name: str, version: str, integrity: str) -> None:
    target = DEST / name
    stamp = target / ".version"
    if stamp.exists() and stamp.read_text() == version:
        return
    url = f"{REGISTRY}/{name}/-/{name}-{version}.tgz"
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
        data = response.read()
    digest = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if digest != integrity:
        sys.exit(f"{name}@{version}: integrity mismatch ({digest} != {integrity})")
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("package/dist/"):
                rel = Path(member.name).relative_to("package/dist")
                if ".." in rel.parts:
                    continue
                out = target / rel
                out.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                out.write_bytes(extracted.read())
    stamp.write_text(version)
    print(f"vendored {name}@{version}")


def main() -> None:
    for name, (version, integrity) in PACKAGES.items():
        fetch(name, version, integrity)


if __name__ == "__main__":
    main()
