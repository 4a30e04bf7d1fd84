"""An otpauth:// address as an inline SVG QR code, drawn here (never by a remote service):
the staff second-factor set-up and an external share recipient's authenticator set-up."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return re.sub(
        r'^<svg width="[^"]*" height="[^"]*"',
        '<svg width="240" height="240" role="img" aria-label="QR code for your authenticator app"',
        svg,
        count=1,
    )
