from django.conf import settings
from django.http import HttpRequest


def agency(request: HttpRequest) -> dict[str, str]:
    return {"agency_name": str(settings.AGENCY_NAME)}
