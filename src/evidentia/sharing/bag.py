"""BagIt (RFC 8493) bags as a directory or a ZIP, written in one pass. No database here.

Payload files are hashed while they are written, so the manifest costs no second read
of gigabytes of video. `bagit.make_bag` would move the files and hash them all again,
and it changes the process's working directory, which a threaded web server must not
do. The tag files written here are exactly what `bagit` writes and reads; the tests hold
every bag we make to `bagit.Bag(path).validate()`.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
BAG_INFO = "bag-info.txt"
READ_SIZE = 4 << 20


class BagError(ValueError):
    pass


def encode_path(name: str) -> str:
    """RFC 8493 section 2.1.3: percent-encode CR, LF and % in manifest paths."""
    return name.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(name: str) -> str:
    return name.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def tag_text(info: Mapping[str, str | list[str]]) -> bytes:
    lines = []
    for key in sorted(info):
        values = info[key]
        for value in values if isinstance(values, list) else [values]:
            text = re.sub(r"[\r\n]", " ", str(value))
            lines.append(f"{key}: {text}\n")
    return "".join(lines).encode()


def parse_tags(data: bytes) -> dict[str, str]:
    tags: dict[str, str] = {}
    key = ""
    for line in data.decode("utf-8-sig").splitlines():
        if line[:1] in (" ", "\t") and key:
            tags[key] += " " + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            tags[key] = value.strip()
    return tags


def parse_manifest(data: bytes) -> dict[str, str]:
    entries: dict[str, str] = {}
    for line in data.decode("utf-8-sig").splitlines():
        if not line.strip():
            continue
        digest, _, name = line.strip().partition(" ")
        entries[decode_path(name.lstrip(" *"))] = digest.lower()
    return entries


def manifest_text(digests: Mapping[str, str]) -> bytes:
    return "".join(f"{digests[n]}  {encode_path(n)}\n" for n in sorted(digests)).encode()


# ------------------------------------------------------------------ writing


class _Sink(Protocol):
    """Where payload files go: a directory or a ZIP."""

    def open(self, name: str) -> BinaryIO: ...

    def close(self) -> None: ...


class _DirSink:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir()

    def open(self, name: str) -> BinaryIO:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "xb")

    def close(self) -> None:
        pass


class _ZipSink:
    def __init__(self, path: Path, top: str) -> None:
        self.zip = zipfile.ZipFile(path, "x", compression=zipfile.ZIP_STORED, allowZip64=True)
        self.top = top

    def open(self, name: str) -> BinaryIO:
        info = zipfile.ZipInfo(f"{self.top}/{name}")
        info.compress_type = zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return self.zip.open(info, "w", force_zip64=True)  # type: ignore[return-value]

    def close(self) -> None:
        self.zip.close()


@dataclass
class BagWriter:
    """Write payload files, then `finish` with bag-info. `path` is a new directory or a
    new .zip (whose members sit under one folder, `top`)."""

    path: Path
    as_zip: bool
    top: str = "bag"
    digests: dict[str, str] = field(default_factory=dict)
    octets: int = 0

    def __post_init__(self) -> None:
        self._sink: _Sink = _ZipSink(self.path, self.top) if self.as_zip else _DirSink(self.path)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="bag-hash")

    def add(self, name: str, chunks: Iterable[bytes]) -> str:
        """Write data/<name> from `chunks`; return its SHA-256 (hashed in a helper thread
        while the next chunk is produced and written)."""
        hasher = hashlib.sha256()
        pending: list[Future[None]] = []
        size = 0
        with self._sink.open(f"data/{name}") as out:
            for chunk in chunks:
                pending.append(self._pool.submit(hasher.update, chunk))
                out.write(chunk)
                size += len(chunk)
                if len(pending) > 8:
                    pending.pop(0).result()
            for fut in pending:
                fut.result()
        digest = hasher.hexdigest()
        self.digests[f"data/{name}"] = digest
        self.octets += size
        return digest

    def add_bytes(self, name: str, data: bytes) -> str:
        return self.add(name, [data])

    def finish(self, info: Mapping[str, str | list[str]]) -> None:
        tags = {
            "bagit.txt": BAGIT_TXT,
            BAG_INFO: tag_text({**info, "Payload-Oxum": f"{self.octets}.{len(self.digests)}"}),
            MANIFEST: manifest_text(self.digests),
        }
        tagsums = {n: hashlib.sha256(d).hexdigest() for n, d in tags.items()}
        tags[TAGMANIFEST] = manifest_text(tagsums)
        for name, data in tags.items():
            with self._sink.open(name) as out:
                out.write(data)
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self._sink.close()


# ------------------------------------------------------------------ reading


class BagReader:
    """Files of a bag in a directory or in a ZIP (one top folder, or none)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            self.root = path
            return
        if not zipfile.is_zipfile(path):
            raise BagError(f"{path} is neither a bag directory nor a ZIP file")
        self.zip = zipfile.ZipFile(path)
        names = [n for n in self.zip.namelist() if not n.endswith("/")]
        tops = {n.split("/", 1)[0] for n in names if "/" in n}
        self.prefix = f"{tops.pop()}/" if len(tops) == 1 and "bagit.txt" not in names else ""
        self.members = {n[len(self.prefix) :]: n for n in names if n.startswith(self.prefix)}

    def files(self) -> list[str]:
        if self.zip is not None:
            return sorted(self.members)
        return sorted(
            p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file()
        )

    def exists(self, name: str) -> bool:
        if self.zip is not None:
            return name in self.members
        return (self.root / name).is_file()

    def open(self, name: str) -> BinaryIO:
        if self.zip is not None:
            return self.zip.open(self.members[name])  # type: ignore[return-value]
        return open(self.root / name, "rb")

    def read(self, name: str) -> bytes:
        with self.open(name) as f:
            return f.read()

    def size(self, name: str) -> int:
        if self.zip is not None:
            return self.zip.getinfo(self.members[name]).file_size
        return os.path.getsize(self.root / name)

    def chunks(self, name: str) -> Iterator[bytes]:
        with self.open(name) as f:
            while chunk := f.read(READ_SIZE):
                yield chunk

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def sha256_of(reader: BagReader, name: str) -> str:
    hasher = hashlib.sha256()
    for chunk in reader.chunks(name):
        hasher.update(chunk)
    return hasher.hexdigest()


def validate(reader: BagReader, workers: int = 2) -> tuple[dict[str, str], list[str]]:
    """RFC 8493 validity: bagit.txt, every manifest entry present with its hash, no
    payload file outside the manifest, Payload-Oxum, tag manifest. Returns the payload
    digests (path -> sha256) and the problems found."""
    problems: list[str] = []
    for required in ("bagit.txt", MANIFEST):
        if not reader.exists(required):
            return {}, [f"{required} is missing: this is not a BagIt bag with SHA-256"]
    version = parse_tags(reader.read("bagit.txt")).get("BagIt-Version")
    if version not in ("0.97", "1.0"):
        problems.append(f"bagit.txt: unsupported BagIt-Version {version!r}")
    digests = parse_manifest(reader.read(MANIFEST))
    files = reader.files()
    payload = {f for f in files if f.startswith("data/")}
    for name in sorted(set(digests) - payload):
        problems.append(f"{name}: listed in the manifest but missing from the bag")
    for name in sorted(payload - set(digests)):
        problems.append(f"{name}: in the bag but not in the manifest (an added file)")
    present = sorted(set(digests) & payload)
    with ThreadPoolExecutor(max(1, workers)) as pool:
        # A ZIP shares one file handle between threads, so hash its members in turn.
        mapper = pool.map if reader.zip is None else map
        found = dict(zip(present, mapper(lambda n: sha256_of(reader, n), present), strict=True))
    for name in present:
        if found[name] != digests[name]:
            problems.append(
                f"{name}: SHA-256 is {found[name]} but the manifest says {digests[name]} "
                "(the file was changed)"
            )
    if reader.exists(BAG_INFO):
        oxum = parse_tags(reader.read(BAG_INFO)).get("Payload-Oxum")
        if oxum:
            want = f"{sum(reader.size(n) for n in payload)}.{len(payload)}"
            if oxum != want:
                problems.append(f"bag-info.txt: Payload-Oxum is {oxum}, the payload is {want}")
    if reader.exists(TAGMANIFEST):
        for name, digest in parse_manifest(reader.read(TAGMANIFEST)).items():
            if not reader.exists(name):
                problems.append(f"{name}: listed in the tag manifest but missing")
            elif hashlib.sha256(reader.read(name)).hexdigest() != digest:
                problems.append(f"{name}: changed since the bag was made (tag manifest)")
    return digests, problems


def read_json_lines(data: bytes) -> list[bytes]:
    """The lines of a JSON-lines file, exactly as stored (no re-encoding)."""
    return [line for line in data.split(b"\n") if line]
