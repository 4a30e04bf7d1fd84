"""What the synthetic generators share: the period, the random source, the people
and the places, and the arrays that later steps draw from."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import numpy as np
from django.db import connection, models, transaction
from django.db.models import Max

from evidentia.accounts.models import Unit, User

MARK = "Synthetic:"
BATCH_SIZE = 5_000  # rows per INSERT statement
COMMIT_ROWS = 100_000  # rows per transaction: a crash loses one chunk, not the run
# The demo service area (settings.PORTAL_SERVICE_AREA) is roughly this box.
LAT = (45.46, 45.62)
LON = (-122.80, -122.52)
T = TypeVar("T", bound=models.Model)


@dataclass
class World:
    rng: np.random.Generator
    start: int  # epoch seconds, inclusive
    end: int  # epoch seconds, exclusive
    batch: int  # a second run numbers its records apart from the first
    units: list[Unit]
    districts: list[str]
    district_unit: np.ndarray  # unit index per district
    district_centre: np.ndarray  # (lat, lon) per district
    officers: list[User] = field(default_factory=list)
    officer_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    activity: np.ndarray = field(default_factory=lambda: np.zeros(0))  # calls share
    record_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    force_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per call
    complaint_rate: np.ndarray = field(default_factory=lambda: np.zeros(0))
    supervisors: dict[int, User] = field(default_factory=dict)  # unit pk -> supervisor
    standards: User | None = None
    # Filled by the CAD step, read by the incident steps.
    call_ts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    call_type: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    call_district: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int16))
    asg_call: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    asg_officer: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    asg_recorded: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    call_prefix: str = ""
    say: Callable[[str], None] = print

    def when(self, ts: Any) -> datetime:
        return datetime.fromtimestamp(int(ts), UTC)

    def times(self, n: int, *, diurnal: bool = True) -> np.ndarray:
        """n sorted-free epoch seconds over the period, busier by day than by night."""
        span = self.end - self.start
        if not diurnal:
            return self.start + self.rng.integers(0, span, n)
        days = max(1, span // 86400)
        day = self.rng.integers(0, days, n)
        hour = self.rng.choice(24, n, p=HOURLY)
        ts = day * 86400 + hour * 3600 + self.rng.integers(0, 3600, n)
        return self.start + (ts * (span / (days * 86400))).astype(np.int64)

    def point(self, district: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        centre = self.district_centre[district]
        lat = np.clip(centre[:, 0] + self.rng.normal(0, 0.008, len(district)), *LAT)
        lon = np.clip(centre[:, 1] + self.rng.normal(0, 0.012, len(district)), *LON)
        return lat.round(5), lon.round(5)

    def pick(self, weights: np.ndarray, n: int) -> np.ndarray:
        return self.rng.choice(len(weights), n, p=weights / weights.sum())


# Calls by hour of day: quiet at 4-6 am, peaking late afternoon and evening.
_H = np.array(
    [5, 4, 3, 2.5, 2, 2, 2.5, 3.5, 4.5, 5, 5.5, 6, 6, 6, 6.5, 7, 7.5, 7.5, 7, 6.5, 6, 6, 5.5, 5.5]
)
HOURLY = _H / _H.sum()


def next_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """Explicit ids leave PostgreSQL's sequences behind; SQLite needs nothing."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)


def chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for lo in range(0, n, size):
        yield lo, min(n, lo + size)


def insert(model: type[T], rows: Iterable[T]) -> int:
    rows = list(rows)
    with transaction.atomic():
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


def stamps(seconds: np.ndarray) -> list[Any]:
    """Epoch seconds as the database's datetime values, without a Python datetime per
    value on SQLite (Django stores UTC there as "YYYY-MM-DD HH:MM:SS" text)."""
    if connection.vendor == "sqlite":
        text = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
        return np.char.replace(text, "T", " ").tolist()
    return [datetime.fromtimestamp(int(s), UTC) for s in seconds.tolist()]


def fast_insert(model: type[models.Model], columns: dict[str, list[Any]]) -> int:
    """INSERT many rows of ready database values by column (attname), for the two
    tables with millions of rows: bulk_create's per-value preparation took 80% of the
    time there. Columns not given get the field's default, so a field added later with
    a default keeps working; the auto id is left to the database unless given."""
    n = len(next(iter(columns.values())))
    fields, values = [], []
    for f in model._meta.concrete_fields:
        if f.attname in columns:
            values.append(columns[f.attname])
        elif isinstance(f, models.AutoField):
            continue
        elif f.primary_key or f.unique:
            raise ValueError(f"{model.__name__}.{f.attname} must be given")
        else:
            default = f.get_db_prep_save(f.get_default(), connection)
            values.append([default] * n)
        fields.append(f)
    quote = connection.ops.quote_name
    # Names come from the model and are quoted; every value is a bound parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(str(model._meta.db_table)),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = list(zip(*values, strict=True))
    with connection.cursor() as cursor:
        for lo in range(0, n, COMMIT_ROWS):
            cursor.executemany(sql, rows[lo : lo + COMMIT_ROWS])
    return n
