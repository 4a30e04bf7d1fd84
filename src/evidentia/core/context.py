from django.conf import settings
from django.http import HttpRequest


def agency(request: HttpRequest) -> dict[str, object]:
    context: dict[str, object] = {"agency_name": str(settings.AGENCY_NAME)}
    if request.path == "/admin/" and getattr(request.user, "is_staff", False):
        from evidentia.evidence.models import FixityAlert

        context["open_fixity_alerts"] = FixityAlert.objects.filter(
            acknowledged_at__isnull=True
        ).count()
    return context
