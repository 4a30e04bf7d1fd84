"""Read-only admin views: plans change only through services, which write the ledger."""

from __future__ import annotations

from django.contrib import admin

from evidentia.evidence.admin import ReadOnlyAdmin
from evidentia.redaction.models import RedactedVersion, RedactionPlan


@admin.register(RedactionPlan)
class RedactionPlanAdmin(ReadOnlyAdmin):
    list_display = ("item", "number", "state", "progress", "created_by", "approved_by")
    list_filter = ("state",)
    exclude = ("plan",)


@admin.register(RedactedVersion)
class RedactedVersionAdmin(ReadOnlyAdmin):
    list_display = ("plan", "blob", "created_at")
    exclude = ("plan_snapshot",)
