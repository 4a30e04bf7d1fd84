"""/public/alerts/: the agency's live safety bulletins."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from evidentia.community.public_views.common import page
from evidentia.community.public_views.report_form import live_alerts


@require_safe
def alert_list(request: HttpRequest) -> HttpResponse:
    return page(request, "alerts.html", {"nav": "alerts", "alerts": live_alerts()})
