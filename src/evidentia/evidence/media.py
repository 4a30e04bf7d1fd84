"""Content sniffing and media metadata for uploaded evidence.

``sniff`` decides what a file *is* from its leading bytes (never trusting the name for
binary formats); ``probe`` reads container/stream metadata with PyAV and turns every
failure into a :class:`ProbeError` with a short human-readable reason.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from fractions import Fraction
from pathlib import Path, PurePath
from typing import Any, BinaryIO, Literal, TypeVar

import av
import filetype

from evidentia.evidence.containers import container_problem
from evidentia.evidence.tagvalues import Location, parse_iso6709, parse_tag_time, rfc3339

_T = TypeVar("_T")
__all__ = [
    "SNIFF_BYTES",
    "Location",
    "MediaInfo",
    "ProbeError",
    "Sniffed",
    "nmea_checksum_ok",
    "parse_iso6709",
    "parse_tag_time",
    "probe",
    "rfc3339",
    "sniff",
    "sniff_file",
]

Kind = Literal["video", "audio", "image", "gps", "document", "other"]

SNIFF_BYTES = 8192
"""How many leading bytes callers should pass to :func:`sniff`."""

# Bounds how much ffmpeg may read while guessing the format and stream parameters, so a
# huge file of garbage fails in milliseconds instead of being scanned.
_AV_OPTIONS = {"probesize": "5000000", "analyzeduration": "5000000", "formatprobesize": "1048576"}
_HEADER_CHECK_BYTES = 65536
_IMAGE_FORMATS = {"image2", "webp_pipe", "gif"}


@dataclass(frozen=True)
class Sniffed:
    mime: str
    kind: Kind
    extension: str  # without the dot; "" when unknown


# Plain text is refined by file name only; structured text is recognised from content.
_TEXT_BY_SUFFIX: dict[str, str] = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "md": "text/markdown",
    "srt": "application/x-subrip",
    "vtt": "text/vtt",
}
_GEOJSON_RE = re.compile(r'"type"\s*:\s*"(?:Feature|FeatureCollection)"')
_NMEA_RE = re.compile(r"\$((?:G[PNLABQ]|BD)[A-Z]{3},[^*]*)\*([0-9A-Fa-f]{2})\s*$")


def nmea_checksum_ok(line: str) -> bool:
    """True for a ``$GPxxx,...*hh`` GNSS sentence whose XOR checksum matches."""
    m = _NMEA_RE.search(line)
    if not m:
        return False
    x = 0
    for ch in m.group(1):
        x ^= ord(ch)
    return x == int(m.group(2), 16)


def _decode_text(head: bytes) -> str | None:
    """Decode ``head`` as text, tolerating a multi-byte character cut at the end."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head[: len(head) // 2 * 2].decode("utf-16", errors="strict")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 3:
            return None
        text = head[: e.start].decode("utf-8-sig")
    if not text:
        return None
    bad = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    return text if bad <= len(text) * 0.01 else None


def _looks_like_nmea(text: str, complete: bool) -> bool:
    lines = [ln.strip() for ln in text.splitlines()]
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # probably cut mid-line
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    good = sum(1 for ln in lines if nmea_checksum_ok(ln))
    return good >= 1 and good * 2 >= len(lines)


def _looks_like_json(text: str, complete: bool) -> bool:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return False
    try:
        json.loads(stripped)
    except json.JSONDecodeError as e:
        # A head cut mid-document parses well into the text before failing; prose that
        # merely starts with "[" fails almost at once.
        return not complete and e.pos >= len(stripped) // 2
    return True


def _sniff_text(text: str, suffix: str, complete: bool) -> Sniffed:
    start = text.lstrip()[:4096]
    lower = start.lower()
    if start.startswith("<"):
        if "<gpx" in lower:
            return Sniffed("application/gpx+xml", "gps", "gpx")
        if "<kml" in lower:
            return Sniffed("application/vnd.google-earth.kml+xml", "gps", "kml")
        if lower.startswith("<!doctype html") or "<html" in lower:
            return Sniffed("text/html", "document", "html")
        if lower.startswith("<?xml"):
            return Sniffed("application/xml", "document", "xml")
    if _looks_like_nmea(text, complete):
        return Sniffed("text/x-nmea", "gps", "nmea")
    if _looks_like_json(text, complete):
        if _GEOJSON_RE.search(start) or suffix == "geojson":
            return Sniffed("application/geo+json", "gps", "geojson")
        return Sniffed("application/json", "document", "json")
    if suffix in _TEXT_BY_SUFFIX:
        return Sniffed(_TEXT_BY_SUFFIX[suffix], "document", suffix)
    return Sniffed("text/plain", "document", "txt")


def _is_mpegts(head: bytes) -> bool:
    return len(head) >= 188 * 3 and all(head[i] == 0x47 for i in (0, 188, 376))


def mime_allowed(mime: str, patterns: tuple[str, ...]) -> bool:
    """Whether a MIME type matches settings-style patterns ("video/*", "image/jpeg");
    no patterns allow everything."""
    mime = mime.lower()
    return not patterns or any(
        mime == p or (p.endswith("/*") and mime.startswith(p[:-1])) for p in patterns
    )


def sniff(head: bytes, filename: str | None = None) -> Sniffed:
    """Identify a file from its first bytes (pass at least :data:`SNIFF_BYTES`).

    Binary formats come from magic numbers only (a PNG named ``.mp4`` is ``image/png``).
    Text is classified by content (GPX, KML, NMEA 0183, GeoJSON, JSON, HTML, XML); the
    file name is consulted only to refine plain text (``.csv``, ``.md``, ...).
    """
    if not head:
        return Sniffed("application/x-empty", "other", "")
    suffix = PurePath(filename).suffix.lower().lstrip(".") if filename else ""
    guess = filetype.guess(head)
    if guess is not None:
        mime: str = guess.mime
        top = mime.split("/", 1)[0]
        if top in {"video", "audio", "image"}:
            return Sniffed(mime, top, guess.extension)  # type: ignore[arg-type]
        if mime == "application/pdf" or "officedocument" in mime or "opendocument" in mime:
            return Sniffed(mime, "document", guess.extension)
        return Sniffed(mime, "other", guess.extension)
    if _is_mpegts(head):
        return Sniffed("video/mp2t", "video", "ts")
    text = _decode_text(head)
    if text is not None:
        return _sniff_text(text, suffix, complete=len(head) < SNIFF_BYTES)
    return Sniffed("application/octet-stream", "other", "bin")


def sniff_file(path: str | Path) -> Sniffed:
    """:func:`sniff` on the first :data:`SNIFF_BYTES` of a file."""
    p = Path(path)
    with p.open("rb") as f:
        return sniff(f.read(SNIFF_BYTES), p.name)


class ProbeError(ValueError):
    """The file is not media PyAV can describe; ``str(err)`` is a short human reason."""


_LOCATION_TAGS = ("com.apple.quicktime.location.ISO6709", "location", "location-eng")
_TIME_TAGS = ("creation_time", "com.apple.quicktime.creationdate", "date")


@dataclass
class MediaInfo:
    path: str  # "" when probed from a file object without a name
    size_bytes: int
    mime: str  # from content sniffing
    kind: Kind  # "video", "audio" or "image"
    container_format: str  # ffmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    duration: float | None = None  # seconds
    bit_rate: int | None = None
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    fps_fraction: str | None = None  # e.g. "30000/1001"
    frame_count: int | None = None  # as declared by the container; None if unknown
    pix_fmt: str | None = None
    audio_codec: str | None = None
    sample_rate: int | None = None
    channels: int | None = None
    creation_time: datetime | None = None
    location: Location | None = None
    tags: dict[str, str] = field(default_factory=dict)
    stream_tags: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable dict; datetimes as RFC 3339 UTC with ``Z``."""
        d = asdict(self)
        if self.creation_time is not None:
            d["creation_time"] = rfc3339(self.creation_time)
        return d


def _precheck(f: BinaryIO, name: str) -> tuple[int, Sniffed]:
    """Cheap checks before ffmpeg sees the file: (size, sniffed) or a ProbeError."""
    size = f.seek(0, 2)
    if size == 0:
        raise ProbeError("empty file")
    f.seek(0)
    head = f.read(_HEADER_CHECK_BYTES)
    if not head.strip(b"\x00"):
        raise ProbeError(f"no media header: the first {len(head):,} bytes are all zero")
    sniffed = sniff(head[:SNIFF_BYTES], name)
    if sniffed.kind in {"gps", "document"}:
        raise ProbeError(f"not a media container: the content is {sniffed.mime}")
    problem = container_problem(f, size)
    if problem:
        raise ProbeError(problem)
    f.seek(0)
    return size, sniffed


def _fps(stream: av.video.stream.VideoStream) -> Fraction | None:
    for rate in (stream.average_rate, stream.guessed_rate, stream.base_rate):
        if rate:
            return Fraction(rate)
    return None


def _str_dict(meta: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in dict(meta).items()}


def probe(source: str | os.PathLike[str] | BinaryIO) -> MediaInfo:
    """Describe a video, audio or image file with PyAV.

    ``source`` is a path or a seekable binary file object (e.g. a decrypting vault
    reader); a file object is read from the start and left open.

    Checks run cheapest first: an empty or all-zero header, text/document content and a
    structurally broken MP4/QuickTime or Matroska layout (a missing ``moov`` atom, a box
    or segment running past the end of the file) are rejected before ffmpeg sees the file,
    and ffmpeg itself is limited to reading a few MB, so a multi-GB file of garbage fails
    in milliseconds.

    Still images are *not* rejected: a PNG or JPEG (whatever its name) is returned as
    ``kind="image"`` with its codec and dimensions and no duration or frame rate, because
    it is a perfectly readable file, just not a recording. Callers that need a recording
    should check ``info.kind``.

    Raises :class:`ProbeError` with a short reason for anything it cannot describe, and
    ``FileNotFoundError``/``PermissionError`` when the path cannot be read at all.
    """
    target: str | BinaryIO
    if isinstance(source, (str, os.PathLike)):
        name = target = os.fspath(source)
        with open(target, "rb") as f:
            size, sniffed = _precheck(f, name)
    else:
        name = source.name if isinstance(getattr(source, "name", None), str) else ""
        size, sniffed = _precheck(source, name)
        target = source
    try:
        container = av.open(target, options=_AV_OPTIONS, metadata_errors="replace")
    except av.error.InvalidDataError as e:
        raise ProbeError(f"not a media container PyAV can read: {e.strerror}") from e
    except av.error.FFmpegError as e:
        raise ProbeError(f"PyAV could not open the file: {e.strerror}") from e
    except Exception as e:  # damaged input can surface as almost anything from the binding
        raise ProbeError(f"PyAV could not open the file: {type(e).__name__}: {e}") from e
    with container:
        try:
            return _describe(container, name, size, sniffed)
        except ProbeError:
            raise
        except Exception as e:
            raise ProbeError(f"unreadable stream parameters: {type(e).__name__}: {e}") from e


def _first_tag(
    all_tags: list[dict[str, str]], keys: tuple[str, ...], parse: Callable[[str], _T | None]
) -> _T | None:
    """The first tag among ``keys`` (in priority order, container before streams) that parses."""
    for key in keys:
        for tags in all_tags:
            if key in tags and (value := parse(tags[key])) is not None:
                return value
    return None


def _describe(container: Any, name: str, size: int, sniffed: Sniffed) -> MediaInfo:
    # Cover art in an audio file is a "video" stream too; it does not make a video.
    pictures = [
        s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic
    ]
    video = pictures[0] if pictures else None
    audio = container.streams.audio[0] if container.streams.audio else None
    if video is None and audio is None:
        raise ProbeError("no audio or video streams found")
    fmt = container.format.name
    if audio is None and video is not None and not getattr(video.codec_context, "width", 0):
        # e.g. raw PCM named .raw, which ffmpeg's image2 demuxer claims by extension alone
        raise ProbeError(f"not a recognisable media file: ffmpeg's {fmt!r} reader found no picture")
    is_image = video is not None and audio is None and (fmt in _IMAGE_FORMATS or "_pipe" in fmt)
    if is_image and fmt == "gif" and video is not None and (video.frames or 0) > 1:
        is_image = False  # animated
    info = MediaInfo(
        path=name,
        size_bytes=size,
        mime=sniffed.mime,
        kind="image" if is_image else ("video" if video is not None else "audio"),
        container_format=fmt,
        bit_rate=container.bit_rate or None,
        tags=_str_dict(container.metadata),
        stream_tags=[_str_dict(s.metadata) for s in container.streams],
    )
    if container.duration and not is_image:
        info.duration = container.duration / 1_000_000
    elif not is_image:
        durations = [
            float(s.duration * s.time_base) for s in container.streams if s.duration and s.time_base
        ]
        info.duration = max(durations) if durations else None
    # A stream whose codec ffmpeg does not know (often a damaged header) has no codec
    # context: the stream still counts, its parameters stay None.
    if video is not None and (cc := video.codec_context) is not None:
        info.video_codec = cc.name
        info.width, info.height = cc.width or None, cc.height or None
        info.pix_fmt = cc.pix_fmt
        info.frame_count = video.frames or None
        rate = None if is_image else _fps(video)
        if rate:
            info.fps = float(rate)
            info.fps_fraction = f"{rate.numerator}/{rate.denominator}"
    if audio is not None and (cc := audio.codec_context) is not None:
        info.audio_codec = cc.name
        info.sample_rate = cc.sample_rate or None
        info.channels = cc.layout.nb_channels if cc.layout else None
    all_tags = [info.tags, *info.stream_tags]
    info.creation_time = _first_tag(all_tags, _TIME_TAGS, parse_tag_time)
    info.location = _first_tag(all_tags, _LOCATION_TAGS, parse_iso6709)
    return info
