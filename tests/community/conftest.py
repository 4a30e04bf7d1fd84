"""Community-portal fixtures: residents' reports and a real photo with EXIF GPS."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from evidentia.community.services import reports
from evidentia.community.services.reports import NewReport

# Inside the demo service area (Portland, OR).
PIONEER_SQUARE = (45.5190, -122.6794)


def exif_photo(lat: float = 45.5190, lon: float = -122.6794, serial: str = "CAM-77831") -> bytes:
    """A JPEG as a phone writes it: GPS position and the camera's serial in EXIF."""
    img = Image.new("RGB", (64, 48), (120, 160, 90))
    exif = Image.Exif()
    exif[0xA431] = serial  # BodySerialNumber
    gps = exif.get_ifd(0x8825)

    def dms(value: float) -> tuple[float, float, float]:
        v = abs(value)
        d = int(v)
        m = int((v - d) * 60)
        return (d, m, round((v - d - m / 60) * 3600, 2))

    gps[1] = "N" if lat >= 0 else "S"
    gps[2] = dms(lat)
    gps[3] = "E" if lon >= 0 else "W"
    gps[4] = dms(lon)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photo() -> bytes:
    return exif_photo()


def file(service_code: str = "graffiti", **fields) -> reports.Filed:
    lat, lon = fields.pop("where", PIONEER_SQUARE)
    values = {"description": "Tagging on the wall by the bus stop.", "lat": lat, "lon": lon}
    return reports.file_report(NewReport(service_code=service_code, **(values | fields)))


@pytest.fixture
def filed(db) -> reports.Filed:
    """An anonymous graffiti report near Pioneer Courthouse Square."""
    return file()
