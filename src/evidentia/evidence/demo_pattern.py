"""The moving test pattern of demo clips, drawn straight into YUV 4:2:0 planes.

Pure Python: every frame is a copy of prebuilt byte rows with a few slices replaced,
which is fast enough that libx264 dominates the encoding time.
"""

from __future__ import annotations

import random

# 75% colour bars as (R, G, B) in 0..1.
_BARS = [
    (0.75, 0.75, 0.75),
    (0.75, 0.75, 0.0),
    (0.0, 0.75, 0.75),
    (0.0, 0.75, 0.0),
    (0.75, 0.0, 0.75),
    (0.75, 0.0, 0.0),
    (0.0, 0.0, 0.75),
]


def _yuv(rgb: tuple[float, float, float]) -> tuple[int, int, int]:
    """BT.601 limited-range Y'CbCr for an RGB triple in 0..1."""
    r, g, b = rgb
    y = 16 + 65.481 * r + 128.553 * g + 24.966 * b
    cb = 128 - 37.797 * r - 74.203 * g + 112.0 * b
    cr = 128 + 112.0 * r - 93.786 * g - 18.214 * b
    return round(y), round(cb), round(cr)


Stamp = tuple[int, int, int, int, bytes]  # x, y, width, height, luma raster


class MovingPattern:
    """Colour bars over a scrolling grey ramp with a bouncing box; all of it seed-dependent."""

    def __init__(self, width: int, height: int, seed: int, strides: tuple[int, int]) -> None:
        rng = random.Random(seed)
        self.w, self.h = width, height
        self.ys, self.cs = strides
        cw, ch = width // 2, height // 2
        bars = _BARS[:]
        rng.shuffle(bars)
        self.bars_h = (height * 2 // 3) & ~1
        row_y, row_u, row_v = bytearray(), bytearray(), bytearray()
        for i, rgb in enumerate(bars):
            x0, x1 = i * width // 7 & ~1, (i + 1) * width // 7 & ~1 if i < 6 else width
            y, u, v = _yuv(rgb)
            row_y += bytes([y]) * (x1 - x0)
            row_u += bytes([u]) * ((x1 - x0) // 2)
            row_v += bytes([v]) * ((x1 - x0) // 2)
        pad_y, pad_c = bytes(self.ys - width), bytes(self.cs - cw)
        grey = bytes([128]) * cw
        bars_c, ramp_c = self.bars_h // 2, ch - self.bars_h // 2  # chroma rows
        self.base_y = (bytes(row_y) + pad_y) * height
        self.base_u = (bytes(row_u) + pad_c) * bars_c + (grey + pad_c) * ramp_c
        self.base_v = (bytes(row_v) + pad_c) * bars_c + (grey + pad_c) * ramp_c
        ramp = bytes(16 + (219 * x) // max(1, width - 1) for x in range(width))
        self.ramp2 = ramp + ramp
        self.ramp_speed = rng.choice((-1, 1)) * rng.randint(2, 6)
        self.box_w, self.box_h = max(2, width // 6 & ~1), max(2, height // 5 & ~1)
        hue = rng.random()
        rgb = _hsv_to_rgb(hue, 0.9, 0.95)
        self.box_yuv = _yuv(rgb)
        self.box_pos = (rng.randrange(width), rng.randrange(height))
        self.box_vel = (
            rng.choice((-1, 1)) * rng.randint(2, 6),
            rng.choice((-1, 1)) * rng.randint(2, 5),
        )

    @staticmethod
    def _bounce(p0: int, v: int, i: int, span: int) -> int:
        if span <= 0:
            return 0
        p = (p0 + v * i) % (2 * span)
        return (p if p <= span else 2 * span - p) & ~1

    def frame(self, i: int, osd: list[Stamp]) -> tuple[bytes, bytes, bytes]:
        ys, cs = self.ys, self.cs
        y, u, v = bytearray(self.base_y), bytearray(self.base_u), bytearray(self.base_v)
        o = (i * self.ramp_speed) % self.w
        ramp = self.ramp2[o : o + self.w]
        for r in range(self.bars_h, self.h):
            y[r * ys : r * ys + self.w] = ramp
        bx = self._bounce(self.box_pos[0], self.box_vel[0], i, self.w - self.box_w)
        by = self._bounce(self.box_pos[1], self.box_vel[1], i, self.h - self.box_h)
        by_, bu_, bv_ = self.box_yuv
        row = bytes([by_]) * self.box_w
        for r in range(by, by + self.box_h):
            y[r * ys + bx : r * ys + bx + self.box_w] = row
        crow_u, crow_v = bytes([bu_]) * (self.box_w // 2), bytes([bv_]) * (self.box_w // 2)
        for r in range(by // 2, (by + self.box_h) // 2):
            u[r * cs + bx // 2 : r * cs + (bx + self.box_w) // 2] = crow_u
            v[r * cs + bx // 2 : r * cs + (bx + self.box_w) // 2] = crow_v
        for x, top, tw, th, raster in osd:
            self._stamp(y, u, v, x, top, tw, th, raster)
        return bytes(y), bytes(u), bytes(v)

    def _stamp(
        self,
        y: bytearray,
        u: bytearray,
        v: bytearray,
        x: int,
        top: int,
        tw: int,
        th: int,
        raster: bytes,
    ) -> None:
        ys, cs = self.ys, self.cs
        vis_w = min(tw, self.w - x)
        vis_h = min(th, self.h - top)
        if vis_w <= 0 or vis_h <= 0:
            return
        for r in range(vis_h):
            y[(top + r) * ys + x : (top + r) * ys + x + vis_w] = raster[r * tw : r * tw + vis_w]
        cx0, cx1 = x // 2, (x + vis_w + 1) // 2
        grey = bytes([128]) * (cx1 - cx0)
        for r in range(top // 2, (top + vis_h + 1) // 2):
            u[r * cs + cx0 : r * cs + cx1] = grey
            v[r * cs + cx0 : r * cs + cx1] = grey


def _hsv_to_rgb(h: float, s: float, v: float) -> tuple[float, float, float]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    return [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
