"""A deterministic, real-looking walk or drive on a Manhattan-style street grid.

Used by :mod:`evidentia.evidence.demo_media` to produce GPS sidecars (GPX, NMEA) for demo
body-worn-camera clips. Blocks are ~80 m along avenues and ~270 m along streets, the grid
is rotated like many real city grids, the mover turns at intersections (never U-turns),
drivers stop at some lights, and positions carry correlated GPS noise of about a metre.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_ORIGIN = (45.5152, -122.6784)  # Pioneer Courthouse Square, Portland OR
SHORT_BLOCK_M = 80.0  # between streets, walking along an avenue
LONG_BLOCK_M = 270.0  # between avenues, walking along a street


@dataclass(frozen=True)
class Fix:
    time: datetime
    lat: float
    lon: float
    ele: float
    speed_mps: float
    course_deg: float


def metres_per_degree(lat: float) -> tuple[float, float]:
    """(metres per degree of latitude, metres per degree of longitude) at ``lat``."""
    phi = math.radians(lat)
    m_lat = 111132.92 - 559.82 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi)
    m_lon = 111412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi)
    return m_lat, m_lon


# Heading index -> unit step in grid coordinates (u along streets, v along avenues).
_DIRS = ((1, 0), (0, 1), (-1, 0), (0, -1))


def _to_next_corner(pos: float, step: int, block: float) -> float:
    """Distance from ``pos`` to the next intersection moving in direction ``step`` (+1/-1)."""
    k = pos / block
    nxt = (math.floor(k + 1e-9) + 1) * block if step > 0 else (math.ceil(k - 1e-9) - 1) * block
    return abs(nxt - pos)


def walk(
    start: datetime,
    seconds: float,
    seed: int,
    origin: tuple[float, float] = DEFAULT_ORIGIN,
) -> list[Fix]:
    """One fix per second from ``start`` to ``start + seconds`` inclusive.

    Odd seeds drive (8-13 m/s, stopping at some intersections), even seeds walk
    (1.2-1.6 m/s). The first fix is near ``origin``, an intersection of the grid.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    rng = random.Random(seed)
    driving = seed % 2 == 1
    cruise = rng.uniform(8.0, 13.0) if driving else rng.uniform(1.2, 1.6)
    theta = math.radians(rng.uniform(-30.0, 30.0))
    m_lat, m_lon = metres_per_degree(origin[0])
    base_ele = rng.uniform(15.0, 80.0)
    grade_e, grade_n = rng.uniform(-0.02, 0.02), rng.uniform(-0.02, 0.02)

    u = v = 0.0
    heading = rng.randrange(4)
    speed = 0.0 if driving else cruise
    stopped_for = 0
    noise_e = noise_n = noise_z = 0.0
    fixes: list[Fix] = []
    for i in range(math.floor(seconds) + 1):
        if i:
            if stopped_for > 0:
                stopped_for -= 1
                speed = 0.0
            else:
                target = cruise * rng.uniform(0.93, 1.07)
                speed = min(target, speed + 2.5) if driving else target
            remaining = speed
            while remaining > 1e-9:
                du, dv = _DIRS[heading]
                along_u = du != 0
                gap = _to_next_corner(
                    u if along_u else v, du or dv, LONG_BLOCK_M if along_u else SHORT_BLOCK_M
                )
                move = min(gap, remaining)
                u, v = u + du * move, v + dv * move
                remaining -= move
                if move == gap:  # reached an intersection: straight on, left or right
                    r = rng.random()
                    heading = heading if r < 0.5 else (heading + (1 if r < 0.75 else 3)) % 4
                    if driving and rng.random() < 0.3:
                        stopped_for, remaining = rng.randint(3, 12), 0.0
        du, dv = _DIRS[heading]
        east = u * math.cos(theta) - v * math.sin(theta)
        north = u * math.sin(theta) + v * math.cos(theta)
        head_e = du * math.cos(theta) - dv * math.sin(theta)
        head_n = du * math.sin(theta) + dv * math.cos(theta)
        # Correlated (AR(1)) noise looks like a real receiver, not white jitter.
        noise_e = 0.9 * noise_e + rng.gauss(0.0, 0.5)
        noise_n = 0.9 * noise_n + rng.gauss(0.0, 0.5)
        noise_z = 0.9 * noise_z + rng.gauss(0.0, 0.3)
        e, n = east + noise_e, north + noise_n
        fixes.append(
            Fix(
                time=start + timedelta(seconds=i),
                lat=round(origin[0] + n / m_lat, 7),
                lon=round(origin[1] + e / m_lon, 7),
                ele=round(
                    base_ele + grade_e * e + grade_n * n + 2 * math.sin(n / 150) + noise_z, 1
                ),
                speed_mps=round(speed, 2),
                course_deg=round(math.degrees(math.atan2(head_e, head_n)) % 360.0, 1),
            )
        )
    return fixes
