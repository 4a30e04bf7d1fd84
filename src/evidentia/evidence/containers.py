"""Cheap structural checks of MP4/QuickTime and Matroska files, without ffmpeg.

ffmpeg happily opens a half-uploaded MP4 whose ``moov`` atom came first, or a cut-off
Matroska file, and reports their header durations as if nothing were missing. For
evidence that is the wrong answer, so :func:`container_problem` walks the top-level
structure (seeking, never reading payloads) and names what is broken.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

_BMFF_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp"}
# ISO BMFF still-image brands (HEIF/AVIF) have a "meta" box and legitimately no "moov".
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_MAX_BOXES = 100_000
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_MKV_SEGMENT_ID = 0x18538067


def container_problem(
    source: str | os.PathLike[str] | BinaryIO, size: int | None = None
) -> str | None:
    """A short reason why an MP4/MOV or MKV/WebM file is structurally broken, else None.

    ``source`` is a path or a seekable binary file (its position is left anywhere).
    Files of any other type return None (nothing to check here).
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            return container_problem(fh, size)
    f: BinaryIO = source
    if size is None:
        size = f.seek(0, 2)
    f.seek(0)
    head = f.read(16)
    if len(head) >= 8 and head[4:8] in _BMFF_FIRST_BOXES:
        return _bmff_problem(f, size)
    if head.startswith(_EBML_MAGIC):
        return _ebml_problem(f, size)
    return None


def _is_fourcc(b: bytes) -> bool:
    return len(b) == 4 and all(32 <= c < 127 or c == 0xA9 for c in b)


def _bmff_problem(f: BinaryIO, size: int) -> str | None:
    offset = 0
    seen: set[bytes] = set()
    brand = b""
    overrun: str | None = None
    for _ in range(_MAX_BOXES):
        if offset >= size:
            break
        f.seek(offset)
        hdr = f.read(16)
        if len(hdr) < 8:
            overrun = f"{size - offset} stray bytes after the last box"
            break
        box_size, box_type = struct.unpack(">I4s", hdr[:8])
        if not _is_fourcc(box_type):
            if "moov" in (t.decode("latin-1") for t in seen):
                return None  # trailing junk after a complete movie: ffmpeg copes
            return f"corrupt: no valid MP4 box at byte {offset:,}"
        header = 8
        if box_size == 1:
            if len(hdr) < 16:
                overrun = f"{box_type.decode('latin-1')} box header is cut off"
                break
            box_size = struct.unpack(">Q", hdr[8:16])[0]
            header = 16
        elif box_size == 0:  # "extends to end of file"
            box_size = size - offset
        if box_size < header:
            return (
                f"corrupt: {box_type.decode('latin-1')} box at byte {offset:,} has size {box_size}"
            )
        if box_type == b"ftyp":
            brand = hdr[8:12]
        seen.add(box_type)
        if offset + box_size > size:
            overrun = (
                f"{box_type.decode('latin-1')} box declares {box_size:,} bytes"
                f" but only {size - offset:,} remain"
            )
            break
        offset += box_size
    if b"moov" not in seen and brand not in _IMAGE_BRANDS:
        return "truncated: moov atom not found" + (f" ({overrun})" if overrun else "")
    if overrun:
        return f"truncated: {overrun}"
    return None


def _read_vint(f: BinaryIO, keep_marker: bool) -> tuple[int, int, bool] | None:
    """Read an EBML variable-length integer: (value, length, all_ones)."""
    first = f.read(1)
    if not first:
        return None
    b0 = first[0]
    length = 1
    while length <= 8 and not b0 & (0x80 >> (length - 1)):
        length += 1
    if length > 8:
        return None
    rest = f.read(length - 1)
    if len(rest) != length - 1:
        return None
    value = b0 if keep_marker else b0 & (0xFF >> length)
    for c in rest:
        value = (value << 8) | c
    all_ones = value == (1 << (7 * length)) - 1 and not keep_marker
    return value, length, all_ones


def _ebml_problem(f: BinaryIO, size: int) -> str | None:
    f.seek(4)
    hdr_size = _read_vint(f, keep_marker=False)
    if hdr_size is None:
        return "truncated: Matroska EBML header is cut off"
    f.seek(f.tell() + hdr_size[0])
    seg_id = _read_vint(f, keep_marker=True)
    if seg_id is None:
        return "truncated: Matroska segment is missing"
    if seg_id[0] != _MKV_SEGMENT_ID:
        return "corrupt: Matroska EBML header is not followed by a segment"
    seg_size = _read_vint(f, keep_marker=False)
    if seg_size is None:
        return "truncated: Matroska segment header is cut off"
    value, _, unknown = seg_size
    remaining = size - f.tell()
    if not unknown and value > remaining:
        return f"truncated: Matroska segment declares {value:,} bytes but only {remaining:,} remain"
    return None
