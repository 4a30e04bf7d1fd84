"""Public pages at /public/: no staff session, rate limited, nothing that identifies
a resident. (Placeholder routes: the public views are being built.)"""

from django.http import HttpResponse
from django.urls import path

app_name = "public"


def _todo(request, *args, **kwargs):  # type: ignore[no-untyped-def]
    return HttpResponse("Coming soon.", status=404)


urlpatterns = [
    path("", _todo, name="home"),
    path("track/", _todo, name="track_form"),
    path("track/<str:code>/", _todo, name="track"),
    path("reports/<str:public_id>/", _todo, name="report"),
    path("media/<uuid:media_id>", _todo, name="media"),
]
