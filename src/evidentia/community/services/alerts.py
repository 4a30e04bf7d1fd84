"""Community alerts: safety bulletins supervisors and administrators publish on the
portal and its feed, until they expire or are withdrawn."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from evidentia.accounts.models import Role, User
from evidentia.community.models import Alert
from evidentia.community.services import geo
from evidentia.community.services._common import clean
from evidentia.community.services.reports import MAX_DESCRIPTION, Invalid
from evidentia.core.errors import Conflict, PermissionDenied
from evidentia.custody import events, ledger

PUBLISHERS = {Role.SUPERVISOR, Role.ADMIN}
MAX_RADIUS_M = 50_000
MAX_DAYS = 366


def can_publish(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in PUBLISHERS)


def check_can_publish(user: User) -> None:
    if not can_publish(user):
        raise PermissionDenied("Only supervisors and administrators publish community alerts.")


def _text(value: str | None, field: str, limit: int, errors: dict[str, str], what: str) -> str:
    value = clean(value)
    if not value:
        errors[field] = f"Write {what}."
    elif len(value) > limit:
        errors[field] = f"Keep it under {limit} characters."
    return value


def _validate(
    title: str,
    body: str,
    area: str,
    lat: float | None,
    lon: float | None,
    radius_m: int | None,
    expires_at: datetime | None,
) -> tuple[str, str, str]:
    errors: dict[str, str] = {}
    title = _text(title, "title", 160, errors, "a title")
    body = _text(body, "body", MAX_DESCRIPTION, errors, "what people should know")
    area = _text(area, "area", 200, errors, "where it applies, in words")
    if (lat is None) != (lon is None):
        errors["lat"] = "Give both latitude and longitude, or neither."
    elif lat is not None and lon is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            errors["lat"] = "That latitude/longitude is not a place on Earth."
        elif not geo.in_service_area(lat, lon):
            errors["lat"] = "That place is outside the area this agency serves."
    if radius_m is not None:
        if lat is None:
            errors["radius_m"] = "A radius needs a centre: give latitude and longitude too."
        elif not 1 <= radius_m <= MAX_RADIUS_M:
            errors["radius_m"] = f"The radius must be between 1 and {MAX_RADIUS_M} metres."
    now = timezone.now()
    if expires_at is None:
        errors["expires_at"] = "Say when the alert stops being shown."
    elif expires_at <= now:
        errors["expires_at"] = "That time has already passed."
    elif expires_at > now + timedelta(days=MAX_DAYS):
        errors["expires_at"] = "An alert is shown for at most a year; publish a new one later."
    if errors:
        raise Invalid(errors)
    return title, body, area


def publish(
    title: str,
    body: str,
    area: str,
    lat: float | None,
    lon: float | None,
    radius_m: int | None,
    expires_at: datetime | None,
    *,
    actor: User,
    request: HttpRequest | None = None,
) -> Alert:
    check_can_publish(actor)
    title, body, area = _validate(title, body, area, lat, lon, radius_m, expires_at)
    assert expires_at is not None
    with transaction.atomic():
        alert = Alert.objects.create(
            title=title,
            body=body,
            area=area,
            lat=lat,
            lon=lon,
            radius_m=radius_m,
            author=actor,
            published_at=timezone.now(),
            expires_at=expires_at,
        )
        # Alerts are public text, so the ledger may name what was published.
        ledger.record(
            events.ALERT_PUBLISHED,
            actor=actor,
            request=request,
            detail={
                "alert": str(alert.pk),
                "title": alert.title,
                "area": alert.area,
                "expires_at": alert.expires_at,
            },
        )
    return alert


def withdraw(alert: Alert, *, actor: User, request: HttpRequest | None = None) -> Alert:
    check_can_publish(actor)
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        if alert.withdrawn_at:
            raise Conflict("This alert was already withdrawn.")
        alert.withdrawn_at = timezone.now()
        alert.save(update_fields=["withdrawn_at"])
        ledger.record(
            events.ALERT_WITHDRAWN,
            actor=actor,
            request=request,
            detail={"alert": str(alert.pk), "title": alert.title},
        )
    return alert


def state(alert: Alert) -> str:
    """live, withdrawn or expired: for the staff list. Publishing stamps the moment it
    happens, so an alert is live from then on."""
    if alert.withdrawn_at:
        return "withdrawn"
    if alert.expires_at <= timezone.now():
        return "expired"
    return "live"
