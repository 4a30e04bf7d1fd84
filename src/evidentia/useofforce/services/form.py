"""Reading a use-of-force form into checked values: each problem gets its own message,
keyed by field, and nothing is saved while any remain."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from evidentia.core.errors import Rejected
from evidentia.useofforce.models import ForceType, Race, Sex

MAX_SUBJECTS = 10
YES = {"1", "on", "true", "yes"}


class Invalid(Rejected):
    """Bad input: `errors` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("Please correct the marked fields: " + "; ".join(errors.values()))


@dataclass
class SubjectInput:
    race: str = Race.UNKNOWN
    sex: str = Sex.UNKNOWN
    age: int | None = None
    injured: bool = False
    injuries: str = ""


@dataclass
class ReportInput:
    incident_number: str = ""
    occurred_at: datetime | None = None
    location: str = ""
    lat: float | None = None
    lon: float | None = None
    district: str = ""
    force_types: list[ForceType] = field(default_factory=list)
    subjects: list[SubjectInput] = field(default_factory=list)
    reason: str = ""
    deescalation_attempted: bool = False
    deescalation: str = ""
    officer_injured: bool = False
    officer_injuries: str = ""
    recording_ids: list[str] = field(default_factory=list)


def _text(data: Any, name: str, limit: int | None = None) -> str:
    value = str(data.get(name, "") or "").replace("\x00", "").strip()
    return value[:limit] if limit else value


def _flag(data: Any, name: str) -> bool:
    return str(data.get(name, "") or "").lower() in YES


def _list(data: Any, name: str) -> list[str]:
    getlist = getattr(data, "getlist", None)
    values = getlist(name) if getlist else data.get(name, [])
    if isinstance(values, str):
        values = [values]
    return [str(v) for v in values if str(v).strip()]


def _when(value: str, errors: dict[str, str]) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:
        errors["occurred_at"] = "Give the date and time as 2026-03-02 14:30 (UTC)."
        return None
    except OverflowError:  # an offset pushing year 1 or 9999 off the calendar
        errors["occurred_at"] = "That date is out of range; check the year."
        return None
    if moment > datetime.now(UTC):
        errors["occurred_at"] = "The date and time of the incident cannot be in the future."
    elif moment.year < 2000:
        errors["occurred_at"] = "That date is too far in the past; check the year."
    return moment


def _coordinate(data: Any, name: str, bound: float, errors: dict[str, str]) -> float | None:
    raw = _text(data, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        errors[name] = f"The {'latitude' if name == 'lat' else 'longitude'} must be a number "
        errors[name] += f"between -{bound:g} and {bound:g}, or left empty."
        return None
    return value


def _subjects(data: Any, errors: dict[str, str]) -> list[SubjectInput]:
    found = []
    for i in range(MAX_SUBJECTS):
        prefix = f"subject-{i}-"
        race, sex = _text(data, prefix + "race"), _text(data, prefix + "sex")
        age_raw, injuries = _text(data, prefix + "age"), _text(data, prefix + "injuries", 2000)
        injured = _flag(data, prefix + "injured")
        if not (race or sex or age_raw or injuries or injured):
            continue  # a blank row
        n = i + 1
        if race not in Race.values:
            errors[prefix + "race"] = f"Subject {n}: choose a race (or Unknown)."
        if sex not in Sex.values:
            errors[prefix + "sex"] = f"Subject {n}: choose a sex (or Unknown)."
        age = None
        if age_raw:
            # isdecimal on ASCII only: "²" passes str.isdigit but not int().
            whole = age_raw.isascii() and age_raw.isdecimal() and len(age_raw) <= 3
            if not whole or not 0 < int(age_raw) < 120:
                errors[prefix + "age"] = f"Subject {n}: the age must be a whole number 1-119."
            else:
                age = int(age_raw)
        if injured and not injuries:
            errors[prefix + "injuries"] = f"Subject {n}: describe the injuries."
        found.append(SubjectInput(race, sex, age, injured, injuries))
    return found


def parse(data: Any, *, complete: bool) -> ReportInput:
    """Read the form. `complete` asks for everything a submission needs; a draft needs
    only the incident number and the time (they find the recordings to offer)."""
    errors: dict[str, str] = {}
    out = ReportInput(
        incident_number=_text(data, "incident_number"),
        location=_text(data, "location"),
        district=_text(data, "district"),
        reason=_text(data, "reason", 10000),
        deescalation_attempted=_flag(data, "deescalation_attempted"),
        deescalation=_text(data, "deescalation", 5000),
        officer_injured=_flag(data, "officer_injured"),
        officer_injuries=_text(data, "officer_injuries", 5000),
        recording_ids=_list(data, "recordings"),
    )
    if not out.incident_number:
        errors["incident_number"] = "Give the incident or CAD number."
    elif len(out.incident_number) > 40:
        errors["incident_number"] = "The incident number is at most 40 characters."
    out.occurred_at = _when(_text(data, "occurred_at"), errors)
    if out.occurred_at is None and "occurred_at" not in errors:
        errors["occurred_at"] = "Give the date and time the force was used."
    if len(out.location) > 300:
        errors["location"] = "The location is at most 300 characters."
    if len(out.district) > 40:
        errors["district"] = "The district is at most 40 characters."
    out.lat = _coordinate(data, "lat", 90, errors)
    out.lon = _coordinate(data, "lon", 180, errors)
    if (out.lat is None) != (out.lon is None) and "lat" not in errors and "lon" not in errors:
        errors["lat"] = "Give both latitude and longitude, or neither."
    codes = _list(data, "force_types")
    out.force_types = list(ForceType.objects.filter(code__in=codes, active=True))
    if len(out.force_types) != len(set(codes)):
        errors["force_types"] = "One of the force types chosen is not on the list any more."
    out.subjects = _subjects(data, errors)
    if complete:
        _require_complete(out, errors)
    if errors:
        raise Invalid(errors)
    return out


def _require_complete(out: ReportInput, errors: dict[str, str]) -> None:
    if not out.location:
        errors.setdefault("location", "Give the location (an address or a description).")
    if not out.force_types:
        errors.setdefault("force_types", "Tick at least one type of force used.")
    if not out.subjects:
        errors.setdefault("subjects", "Describe at least one subject (Unknown is allowed).")
    if not out.reason:
        errors.setdefault("reason", "Explain why force was used.")
    if out.deescalation_attempted and not out.deescalation:
        errors.setdefault("deescalation", "Say what de-escalation was tried.")
    if out.officer_injured and not out.officer_injuries:
        errors.setdefault("officer_injuries", "Describe your injuries.")
