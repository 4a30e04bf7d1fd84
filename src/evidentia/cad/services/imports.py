"""Importing CAD calls from a CSV export: the one door for Call and Assignment rows.

The file is read once as a stream (csv module) into validated rows, then written in bulk
in one transaction with the Import row and its ledger event. All-or-nothing mode writes
nothing when any row is bad; skip-bad mode writes the good rows. Either way every bad row
is listed with its line number and reason, so nothing is dropped silently.

A web import runs the same function from a Celery task on a queued Import row
(`cad/services/background.py`): then it fills that row in instead of creating one, and
notes its progress while reading."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Unit, User
from evidentia.cad.models import Assignment, Call, Import
from evidentia.cad.services import access
from evidentia.cad.services.csvfile import (
    RowError,
    check_mapping,
    read_headers,
    rows,
    sha256_of,
    window,
)
from evidentia.core import staged
from evidentia.core.errors import Rejected
from evidentia.custody import events, ledger

CALL_FIELDS = [
    "call_type",
    "priority",
    "received_at",
    "dispatched_at",
    "arrived_at",
    "cleared_at",
    "district",
    "address",
    "lat",
    "lon",
    "disposition",
]
ASSIGNMENT_FIELDS = ["officer", "unit", "starts_at", "ends_at"]
CHUNK = 2000
MAX_LISTED = 1000  # errors kept on the Import row; the count is always exact


@dataclass
class _Call:
    line: int
    call: dict[str, Any]
    officers: dict[str, str] = field(default_factory=dict)  # badge -> unit text


@dataclass
class _Parsed:
    calls: dict[str, _Call] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    total: int = 0


def import_file(
    stream: IO[bytes],
    *,
    file_name: str,
    actor: Any,
    mode: str = Import.Mode.ALL_OR_NOTHING,
    mapping: dict[str, str] | None = None,
    request: HttpRequest | None = None,
    tag: bool = True,
    imp: Import | None = None,
    progress: Callable[..., None] | None = None,
) -> Import:
    """Import one CSV file. Returns the Import row (state done or rejected).

    With `tag`, recordings are linked to the calls by a Celery task after commit; the CLI
    passes False and tags in the foreground to print the result. `imp` is the queued row
    a background import fills in; `progress(rows_read, reading_done=False)` is called
    per row read."""
    access.check_import(actor)
    if mode not in Import.Mode.values:
        raise Rejected(f"Mode must be one of: {', '.join(Import.Mode.values)}.")
    base = {
        "file_name": file_name[:300],
        "sha256": sha256_of(stream),
        "mode": mode,
        "imported_by": actor if isinstance(actor, User) else None,
        "mapping": mapping or {},
    }
    # The ledger names the client that sent the file, also when a task imports it.
    who = {"actor": actor, "request": request, "imp": imp}
    try:
        full = check_mapping(read_headers(stream), mapping or {})
        base["mapping"] = full
        parsed = _parse(stream, full, progress)
    except Rejected as exc:
        return _reject(base, [RowError(0, exc.message)], 0, **who)
    if parsed.total == 0:
        return _reject(base, [RowError(0, "The file has a header row but no calls.")], 0, **who)
    if parsed.errors and mode == Import.Mode.ALL_OR_NOTHING:
        return _reject(base, parsed.errors, parsed.total, **who)
    return _write(base, parsed, tag=tag, **who)


def _parse(
    stream: IO[bytes], mapping: dict[str, str], progress: Callable[..., None] | None = None
) -> _Parsed:
    out = _Parsed()
    for row in rows(stream, mapping):
        out.total += 1
        if progress is not None:
            progress(out.total)
        if isinstance(row, RowError):
            out.errors.append(row)
            continue
        number = row.call["call_number"]
        seen = out.calls.get(number)
        if seen is None:
            out.calls[number] = _Call(row.line, row.call, dict.fromkeys(row.badges, row.unit))
            continue
        # One row per officer on a call is a common export shape: same call, merge the
        # officers. Different call details under one number are a conflict, not a guess.
        differ = [k for k, v in row.call.items() if seen.call.get(k) != v]
        if differ:
            out.errors.append(
                RowError(
                    row.line,
                    f"call {number} is also on line {seen.line} with a different "
                    f"{', '.join(differ)}",
                )
            )
            continue
        for badge in row.badges:
            seen.officers.setdefault(badge, row.unit)
    if progress is not None:
        progress(out.total, True)
    return out


def _store(imp: Import | None, **values: Any) -> Import:
    """Create the row (a foreground import) or fill in the queued one (a task's)."""
    values.update(rows_read=values.get("rows_total", 0), finished_at=timezone.now())
    if imp is None:
        return Import.objects.create(**values)
    staged.still_running(Import, imp.pk)
    for name, value in values.items():
        setattr(imp, name, value)
    imp.updated_at = timezone.now()
    imp.save()
    return imp


def _client(imp: Import | None) -> dict[str, str] | None:
    return imp.client if imp is not None else None


def _reject(
    base: dict[str, Any],
    errors: list[RowError],
    total: int,
    *,
    actor: Any,
    request: Any,
    imp: Import | None,
) -> Import:
    with transaction.atomic():
        imp = _store(
            imp,
            **base,
            state=Import.State.REJECTED,
            rows_total=total,
            rows_rejected=len(errors) if total else 0,
            errors=[e.as_dict() for e in errors[:MAX_LISTED]],
        )
        ledger.record(
            events.CAD_IMPORT_REJECTED,
            actor=actor,
            request=request,
            client=_client(imp),
            outcome="failure",
            detail=event_detail(imp, errors=len(errors)),
        )
    return imp


def event_detail(imp: Import, **extra: Any) -> dict[str, Any]:
    return {
        "import": str(imp.pk),
        "file_name": imp.file_name,
        "sha256": imp.sha256,
        "mode": imp.mode,
        "rows": imp.rows_total,
        "calls_created": imp.rows_created,
        "calls_updated": imp.rows_updated,
        "rows_rejected": imp.rows_rejected,
        **extra,
    }


def _chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _lookups(parsed: _Parsed) -> tuple[dict[str, User], dict[str, Unit]]:
    badges = sorted({b for c in parsed.calls.values() for b in c.officers})
    users: dict[str, User] = {}
    for chunk in _chunks(badges):
        found = User.objects.filter(badge_number__in=chunk).select_related("unit")
        for user in found.order_by("-is_active", "pk"):
            users.setdefault(user.badge_number, user)  # an active account wins
    units: dict[str, Unit] = {}
    for unit in Unit.objects.all():
        units[unit.code.lower()] = unit
        units.setdefault(unit.name.lower(), unit)
    return users, units


def _write(
    base: dict[str, Any],
    parsed: _Parsed,
    *,
    actor: Any,
    request: Any,
    imp: Import | None,
    tag: bool,
) -> Import:
    users, units = _lookups(parsed)
    warned: set[str] = set()
    for c in parsed.calls.values():
        for badge, unit_text in c.officers.items():
            if badge not in users and badge not in warned:
                warned.add(badge)
                parsed.warnings.append(
                    RowError(
                        c.line,
                        f"badge {badge} matches no user; kept on the call "
                        "but it cannot be linked to recordings",
                        "warning",
                    )
                )
            if unit_text and unit_text.lower() not in units and unit_text not in warned:
                warned.add(unit_text)
                parsed.warnings.append(
                    RowError(
                        c.line,
                        f"unit {unit_text!r} matches no unit; the officer's own unit is used",
                        "warning",
                    )
                )
    with transaction.atomic():
        imp = _store(imp, **base, state=Import.State.DONE, rows_total=parsed.total)
        created = updated = 0
        for chunk in _chunks(list(parsed.calls)):
            c, u = _write_chunk(imp, [parsed.calls[n] for n in chunk], users, units)
            created, updated = created + c, updated + u
        listed = sorted(parsed.errors + parsed.warnings, key=lambda e: (e.line, e.level))
        imp.rows_created, imp.rows_updated = created, updated
        imp.rows_rejected = len(parsed.errors)
        imp.errors = [e.as_dict() for e in listed[:MAX_LISTED]]
        imp.save(update_fields=["rows_created", "rows_updated", "rows_rejected", "errors"])
        ledger.record(
            events.CAD_IMPORTED,
            actor=actor,
            request=request,
            client=_client(imp),
            detail=event_detail(imp, warnings=len(parsed.warnings)),
        )
        if tag:
            from evidentia.cad.tasks import tag_import

            pk = str(imp.pk)
            transaction.on_commit(lambda: tag_import.delay(pk))
    return imp


def _write_chunk(
    imp: Import, calls: list[_Call], users: dict[str, User], units: dict[str, Unit]
) -> tuple[int, int]:
    existing = {
        c.call_number: c
        for c in Call.objects.filter(call_number__in=[c.call["call_number"] for c in calls])
    }
    new: list[Call] = []
    old: list[Call] = []
    for c in calls:
        row = existing.get(c.call["call_number"])
        if row is None:
            new.append(Call(**c.call, source_import=imp))
            continue
        for name in CALL_FIELDS:
            setattr(row, name, c.call[name])
        row.source_import = imp
        old.append(row)
    Call.objects.bulk_create(new, batch_size=500)
    Call.objects.bulk_update(old, [*CALL_FIELDS, "source_import"], batch_size=500)
    by_number = {c.call_number: c for c in [*new, *old]}
    if any(c.pk is None for c in new):  # a backend without RETURNING
        for call in Call.objects.filter(call_number__in=[c.call_number for c in new]):
            by_number[call.call_number] = call
    _upsert_assignments(calls, by_number, [c.pk for c in old], users, units)
    return len(new), len(old)


def _upsert_assignments(
    calls: list[_Call],
    by_number: dict[str, Call],
    existing: list[Any],
    users: dict[str, User],
    units: dict[str, Unit],
) -> None:
    """Only calls that were there before can have assignments already. Without the
    model's ordering (a join on the calls) the lookup stays an index scan even when
    PostgreSQL's statistics still describe the tables as they were before this import."""
    have = {
        (a.call_id, a.officer_badge): a
        for a in Assignment.objects.filter(call__in=existing).order_by()
    }
    new: list[Assignment] = []
    old: list[Assignment] = []
    for c in calls:
        call = by_number[c.call["call_number"]]
        starts, ends = window(c.call)
        for badge, unit_text in c.officers.items():
            user = users.get(badge)
            unit = units.get(unit_text.lower()) if unit_text else None
            values = {
                "officer": user,
                "unit": unit or (user.unit if user else None),
                "starts_at": starts,
                "ends_at": ends,
            }
            row = have.get((call.pk, badge))
            if row is None:
                new.append(Assignment(call=call, officer_badge=badge, **values))
                continue
            for name, value in values.items():
                setattr(row, name, value)
            old.append(row)
    Assignment.objects.bulk_create(new, batch_size=500)
    Assignment.objects.bulk_update(old, ASSIGNMENT_FIELDS, batch_size=500)


def calls_of(imp: Import) -> Iterable[Call]:
    return Call.objects.filter(source_import=imp)
