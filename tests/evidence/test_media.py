"""Content sniffing and probing (pure Python, no Django)."""

from __future__ import annotations

import io
import json
import math
import random
import struct
import zlib
from array import array
from datetime import UTC, datetime
from pathlib import Path

import av
import pytest

from evidentia.evidence.demo_media import make_clip, make_gpx, make_nmea
from evidentia.evidence.media import (
    SNIFF_BYTES,
    Location,
    ProbeError,
    parse_iso6709,
    parse_tag_time,
    probe,
    sniff,
    sniff_file,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"
START = datetime(2026, 3, 2, 14, 3, 7, tzinfo=UTC)

# Fixed noise: fresh random bytes now and then hold an MPEG or MP3 sync pattern that a
# demuxer accepts, which made the "random bytes" tests fail about once in a hundred runs.
NOISE = random.Random(20261121).randbytes(1 << 20)


def _shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"real test data not available: {path} (needs ../shared/data next to the project)"
        )
    return path


def _png(width: int = 8, height: int = 6) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(
        b"\x00" + b"".join(bytes([x * 30 % 256, y * 40 % 256, 128]) for x in range(width))
        for y in range(height)
    )
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def demo_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "clip.mp4"
    return make_clip(
        path,
        seconds=2.0,
        width=320,
        height=180,
        start=START,
        officer_badge="AXN-014",
        device_id="BWC-1",
        seed=1,
    )


@pytest.fixture
def faststart_clip(demo_clip: Path, tmp_path: Path) -> Path:
    """The demo clip remuxed with its moov atom first, as phones and web uploads write them."""
    out_path = tmp_path / "faststart.mp4"
    with (
        av.open(str(demo_clip)) as src,
        av.open(str(out_path), "w", options={"movflags": "faststart"}) as dst,
    ):
        streams = {s.index: dst.add_stream_from_template(s) for s in src.streams}
        for packet in src.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                dst.mux(packet)
    return out_path


def _first_half(src: Path, dst: Path) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: len(data) // 2])
    return dst


def test_a_png_renamed_mp4_sniffs_as_png() -> None:
    assert sniff(_png(), "clip.mp4").mime == "image/png"
    assert sniff(_png(), "clip.mp4").kind == "image"


def test_an_mp4_sniffs_as_video_whatever_its_name(demo_clip: Path) -> None:
    head = demo_clip.read_bytes()[:SNIFF_BYTES]
    assert sniff(head, "notes.txt").kind == "video"
    assert sniff(head, "notes.txt").extension == "mp4"


def test_gpx_sniffs_as_gps_even_when_named_mp4() -> None:
    gpx = make_gpx(None, start=START, seconds=5, seed=1)
    assert sniff(gpx, "video.mp4") == sniff(gpx[:200], None)
    assert sniff(gpx, "video.mp4").mime == "application/gpx+xml"


def test_nmea_text_sniffs_as_gps() -> None:
    nmea = b"# logged by gpsd\n" + make_nmea(None, start=START, seconds=5, seed=1)
    assert sniff(nmea).mime == "text/x-nmea"
    assert sniff(nmea).kind == "gps"


def test_nmea_with_wrong_checksums_is_only_text() -> None:
    assert sniff(b"$GPRMC,1,2,3*00\n$GPGGA,4,5*00\n").mime == "text/plain"


def test_real_gpsd_log_sniffs_as_nmea() -> None:
    assert sniff_file(_shared("gps", "gpsd_gpslim236.log")).mime == "text/x-nmea"


def test_json_and_geojson_are_told_apart() -> None:
    assert sniff(b'{"case": 12, "items": []}').mime == "application/json"
    assert sniff(b'{"type": "FeatureCollection", "features": []}').kind == "gps"


def test_a_json_head_cut_mid_document_is_still_json() -> None:
    doc = json.dumps({"rows": [{"n": i} for i in range(2000)]}).encode()
    assert sniff(doc[:SNIFF_BYTES]).mime == "application/json"


def test_a_geojson_head_cut_mid_document_is_still_geojson() -> None:
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}}
    doc = json.dumps({"type": "FeatureCollection", "features": [feature] * 500}).encode()
    assert sniff(doc[:SNIFF_BYTES]).mime == "application/geo+json"


def test_prose_that_starts_with_a_bracket_is_not_json() -> None:
    assert sniff(b"[Redacted] statement of the witness, taken at the scene.\n").mime == "text/plain"


def test_plain_text_uses_the_file_name_only_as_a_hint() -> None:
    assert sniff(b"a,b\n1,2\n", "export.csv").mime == "text/csv"
    assert sniff(b"a,b\n1,2\n", "export.mp4").mime == "text/plain"


def test_utf8_text_cut_inside_a_character_is_still_text() -> None:
    head = ("Zeugenaussage: Straße " * 10).encode()
    assert sniff(head[:-1]).mime == "text/plain"


def test_pdf_sniffs_as_a_document() -> None:
    assert sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n").kind == "document"


def test_random_bytes_and_empty_heads_are_other() -> None:
    assert sniff(NOISE[:4096]).mime == "application/octet-stream"
    assert sniff(b"").kind == "other"


def test_mpeg_ts_packets_sniff_as_video() -> None:
    packet = b"\x47" + bytes(187)
    assert sniff(packet * 4).mime == "video/mp2t"


def test_probe_reads_the_demo_clip(demo_clip: Path) -> None:
    info = probe(demo_clip)
    assert (info.kind, info.video_codec, info.audio_codec) == ("video", "h264", "aac")
    assert (info.width, info.height, info.fps_fraction, info.sample_rate) == (
        320,
        180,
        "30/1",
        48000,
    )
    assert info.duration == pytest.approx(2.0, abs=0.05)


class _Anonymous(io.RawIOBase):
    """A seekable reader with no name, like the vault's decrypting blob reader."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._buf.seek(offset, whence)

    def tell(self) -> int:
        return self._buf.tell()

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self._buf.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def test_probe_reads_a_seekable_file_object_without_a_name(demo_clip: Path) -> None:
    with io.BufferedReader(_Anonymous(demo_clip.read_bytes()), buffer_size=65536) as source:
        info = probe(source)
    assert (info.path, info.kind, info.frame_count, info.creation_time) == ("", "video", 60, START)


def test_a_truncated_file_object_fails_probe_with_a_reason(demo_clip: Path) -> None:
    data = demo_clip.read_bytes()
    with pytest.raises(ProbeError, match=r"^truncated: moov atom not found"):
        probe(io.BytesIO(data[: len(data) // 2]))


def test_probe_to_dict_is_json_with_utc_z_times(demo_clip: Path) -> None:
    d = json.loads(json.dumps(probe(demo_clip).to_dict()))
    assert d["creation_time"] == "2026-03-02T14:03:07Z"


def test_probe_reads_real_matroska_webcam_clips() -> None:
    clips = sorted(_shared("video", "faces").glob("*.mkv"))
    if not clips:
        pytest.skip("no .mkv clips in ../shared/data/video/faces")
    for clip in clips:
        info = probe(clip)
        assert (info.container_format, info.video_codec) == ("matroska,webm", "h264")
        assert (info.width, info.height, info.fps) == (640, 480, 30.0)
        assert 1.0 < (info.duration or 0) < 4.0


def test_a_truncated_mp4_fails_probe_with_a_reason(demo_clip: Path, tmp_path: Path) -> None:
    half = _first_half(demo_clip, tmp_path / "half.mp4")
    with pytest.raises(ProbeError, match=r"^truncated: moov atom not found"):
        probe(half)


def test_a_truncated_faststart_mp4_fails_probe_even_though_ffmpeg_opens_it(
    faststart_clip: Path, tmp_path: Path
) -> None:
    half = _first_half(faststart_clip, tmp_path / "half.mp4")
    with pytest.raises(ProbeError, match=r"^truncated: mdat box declares [\d,]+ bytes but only"):
        probe(half)


def test_a_truncated_real_phone_video_fails_probe(tmp_path: Path) -> None:
    real = _shared("video", "faces", "ephys_test_vid.mp4")
    with pytest.raises(ProbeError, match=r"^truncated"):
        probe(_first_half(real, tmp_path / "half.mp4"))


def test_a_truncated_matroska_file_fails_probe(tmp_path: Path) -> None:
    real = _shared("video", "faces", "asl_eat.mkv")
    with pytest.raises(ProbeError, match=r"^truncated: Matroska segment"):
        probe(_first_half(real, tmp_path / "half.mkv"))


def test_a_png_renamed_mp4_probes_as_an_image(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(_png(8, 6))
    info = probe(path)
    assert (info.kind, info.mime, info.video_codec, info.width, info.height) == (
        "image",
        "image/png",
        "png",
        8,
        6,
    )
    assert info.duration is None and info.fps is None


class CountingReader(io.RawIOBase):
    """A file that counts what is read from it, to show probe stops early."""

    def __init__(self, path: Path) -> None:
        self._f = path.open("rb")
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        n = self._f.readinto(buffer)
        self.bytes_read += n or 0
        return n or 0


def test_a_sparse_two_gigabyte_file_fails_probe_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "zeros.mp4"
    with path.open("wb") as f:
        f.truncate(2 * 1024**3)
    reader = CountingReader(path)
    with pytest.raises(ProbeError, match="all zero"):
        probe(reader)
    assert reader.bytes_read < 16 << 20


def test_a_large_file_of_random_bytes_fails_probe_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "noise.mp4"
    with path.open("wb") as f:
        f.write(NOISE)
        f.truncate(1024**3)
    reader = CountingReader(path)
    with pytest.raises(ProbeError, match=r"^not a media container PyAV can read: Invalid data"):
        probe(reader)
    assert reader.bytes_read < 64 << 20


def test_a_gps_sidecar_is_not_probed_as_media(tmp_path: Path) -> None:
    path = tmp_path / "track.mp4"
    make_gpx(path, start=START, seconds=3, seed=1)
    with pytest.raises(ProbeError, match="not a media container: the content is application/gpx"):
        probe(path)


def test_raw_pcm_that_ffmpeg_guesses_from_its_name_fails_probe(tmp_path: Path) -> None:
    path = tmp_path / "interview.raw"
    path.write_bytes(array("h", (int(8000 * math.sin(n / 7)) for n in range(16000))).tobytes())
    with pytest.raises(
        ProbeError, match=r"^not a recognisable media file: ffmpeg's 'image2' reader"
    ):
        probe(path)


def test_undecodable_metadata_bytes_do_not_break_probe(demo_clip: Path, tmp_path: Path) -> None:
    data = demo_clip.read_bytes()
    assert b"VideoHandler" in data
    path = tmp_path / "mangled.mp4"
    path.write_bytes(data.replace(b"VideoHandler", b"Vi\x98eoHandler"))
    assert probe(path).stream_tags[0]["handler_name"] == "Vi\ufffdeoHandler"


def test_an_empty_file_fails_probe(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").touch()
    with pytest.raises(ProbeError, match="empty file"):
        probe(tmp_path / "empty.mp4")


def test_a_missing_file_is_a_file_not_found_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "nope.mp4")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+40.7128-074.0060+010.000/", Location(40.7128, -74.006, 10.0)),
        ("+40.7128-074.0060/", Location(40.7128, -74.006)),
        ("-33.8688+151.2093/", Location(-33.8688, 151.2093)),
        ("+4042.768-07400.360/", Location(40.7128, -74.006)),
        ("+404246.08-0740021.6/", Location(40.712800, -74.006000)),
    ],
)
def test_iso6709_locations_parse_in_all_three_precisions(text: str, expected: Location) -> None:
    loc = parse_iso6709(text)
    assert loc is not None
    assert loc.lat == pytest.approx(expected.lat, abs=1e-4)
    assert loc.lon == pytest.approx(expected.lon, abs=1e-4)
    assert loc.alt == expected.alt


def test_iso6709_rejects_out_of_range_and_junk() -> None:
    assert parse_iso6709("+95.0000+010.0000/") is None
    assert parse_iso6709("somewhere") is None


def test_apple_creation_dates_with_offsets_become_utc() -> None:
    assert parse_tag_time("2019-05-01T12:00:00+0200") == datetime(2019, 5, 1, 10, tzinfo=UTC)
    assert parse_tag_time("1970-01-01T00:00:00.000000Z") is None
