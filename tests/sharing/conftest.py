"""A case holding two real clips, and helpers to export, tamper and re-seal bags."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidentia.cases import services as cases
from evidentia.evidence import demo_media
from evidentia.evidence.services.ingest import Submission, ingest_path
from evidentia.sharing import bag
from evidentia.sharing.services import exports


@pytest.fixture(scope="session")
def second_clip_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("media2") / "BWC-9_20260302_140410.mp4"
    return demo_media.make_clip(
        path,
        seconds=2,
        width=320,
        height=180,
        start=datetime(2026, 3, 2, 14, 4, 10, tzinfo=UTC),
        officer_badge="N-1042",
        device_id="BWC-9",
        seed=9,
    )


@pytest.fixture
def ivans_case(ivan):
    """Ivan's assault case."""
    return cases.create_case(
        number="2026-0042", title="Assault at Harbor Road", incident_number="CAD-7781", actor=ivan
    )


@pytest.fixture
def clips(ivans_case, olivia, carmen, clip_path, second_clip_path):
    """Olivia's two recordings of the assault, ingested by Carmen into Ivan's case."""
    made = []
    for path in (clip_path, second_clip_path):
        sub = Submission(original_name=path.name, via="cli", officer=olivia, case=ivans_case)
        made.append(ingest_path(path, sub, actor=carmen).item)
    return made


@pytest.fixture
def case_bag(ivan, ivans_case, clips, tmp_path) -> Path:
    """Ivan's case exported as a directory."""
    return exports.export(ivan, case=ivans_case, out=tmp_path / "bag").path


def reseal(root: Path) -> None:
    """Recompute the manifests and Payload-Oxum, as a forger who knows BagIt would."""
    digests, octets = {}, 0
    for path in sorted((root / "data").rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
            octets += path.stat().st_size
    (root / bag.MANIFEST).write_bytes(bag.manifest_text(digests))
    info = bag.parse_tags((root / bag.BAG_INFO).read_bytes())
    info["Payload-Oxum"] = f"{octets}.{len(digests)}"
    (root / bag.BAG_INFO).write_bytes(bag.tag_text(info))
    tags = {
        n: hashlib.sha256((root / n).read_bytes()).hexdigest()
        for n in ("bagit.txt", bag.BAG_INFO, bag.MANIFEST)
    }
    (root / bag.TAGMANIFEST).write_bytes(bag.manifest_text(tags))


def extract(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(into)
        (top,) = {n.split("/", 1)[0] for n in z.namelist()}
    return into / top


def zip_members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as z:
        return {n: z.read(n) for n in z.namelist()}


def read_lines(path: Path) -> list[bytes]:
    return [line for line in io.BytesIO(path.read_bytes()).read().split(b"\n") if line]
