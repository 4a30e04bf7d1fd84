"""Reading the public forms: the report form (into a `NewReport`, with messages for
what cannot even be parsed) and the filters of the public list."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from evidentia.community.models import Service, Status
from evidentia.community.services._common import clean
from evidentia.community.services.reports import NewReport

TEXT_FIELDS = ("description", "address", "contact_name", "contact_email", "contact_phone")


def _point(data: QueryDict, errors: dict[str, str]) -> tuple[float | None, float | None]:
    raw = [clean(data.get(k)) for k in ("lat", "lon")]
    if not any(raw):
        return None, None
    try:
        lat, lon = (float(v) for v in raw)
    except ValueError:
        errors["location"] = (
            "The map position could not be read. Drop the pin again, or type an address."
        )
        return None, None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        errors["location"] = "That latitude/longitude is not a place on Earth."
        return None, None
    return lat, lon


def occurred_at(value: str, offset: str, errors: dict[str, str]) -> datetime | None:
    """The datetime-local value as UTC. The page's script sends the browser's offset
    from UTC for that moment (`occurred_offset`, minutes, as JavaScript's
    getTimezoneOffset gives it); without it the time is read in the agency's time zone
    (settings.TIME_ZONE), as the form says when scripts are off."""
    value = clean(value)
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        errors["occurred_at"] = "Give the date and time as shown, for example 2026-03-02 14:30."
        return None
    try:
        return _as_utc(naive, offset)
    except OverflowError:  # a moment in year 1 or 9999 that UTC would push off the calendar
        errors["occurred_at"] = (
            "That date is out of range: give when it happened, for example 2026-03-02 14:30."
        )
        return None


def _as_utc(moment: datetime, offset: str) -> datetime:
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    try:
        minutes = int(offset)
    except (TypeError, ValueError):
        minutes = None
    if minutes is not None and -16 * 60 <= minutes <= 16 * 60:
        return moment.replace(tzinfo=UTC) + timedelta(minutes=minutes)
    return timezone.make_aware(moment, ZoneInfo(settings.TIME_ZONE)).astimezone(UTC)


def _attributes(data: QueryDict) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in data:
        if key.startswith("attribute[") and key.endswith("]"):
            values = [v for v in data.getlist(key) if v.strip()]
            if values:
                found[key[len("attribute[") : -1]] = values if len(values) > 1 else values[0]
    return found


def parse_report(data: QueryDict) -> tuple[NewReport, dict[str, str]]:
    """The form as a NewReport, and messages for values that could not be read."""
    errors: dict[str, str] = {}
    lat, lon = _point(data, errors)
    when = occurred_at(data.get("occurred_at", ""), data.get("occurred_offset", ""), errors)
    text = {name: (data.get(name) or "") for name in TEXT_FIELDS}
    return (
        NewReport(
            service_code=clean(data.get("service_code")),
            lat=lat,
            lon=lon,
            occurred_at=when,
            attributes=_attributes(data),
            **text,
        ),
        errors,
    )


def form_values(data: QueryDict) -> dict[str, Any]:
    """What the resident typed, to show again beside the messages."""
    values: dict[str, Any] = {name: data.get(name, "") for name in TEXT_FIELDS}
    for name in ("service_code", "lat", "lon", "occurred_at"):
        values[name] = data.get(name, "")
    values["attributes"] = {
        k[len("attribute[") : -1]: data.getlist(k) for k in data if k.startswith("attribute[")
    }
    return values


class ListFilters(forms.Form):
    """Filters of the public list; a value that cannot be read is ignored, with a
    message beside it."""

    category = forms.ChoiceField(required=False, label="Category")
    status = forms.ChoiceField(required=False, label="Status")
    date_from = forms.DateField(
        required=False, label="Filed from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Filed to", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        services = Service.objects.filter(public=True, standards=False, active=True)
        self.fields["category"].choices = [("", "All categories")] + [
            (s.code, s.name) for s in services
        ]
        self.fields["status"].choices = [("", "Any status"), *Status.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def value(self, name: str) -> Any:
        return self.cleaned_data.get(name) if name not in self.errors else None
