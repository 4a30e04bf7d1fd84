"""Open311 GeoReport v2 at /open311/v2/: each resource as .xml or .json."""

from django.urls import re_path

from evidentia.community.open311 import views

app_name = "open311"
FMT = r"\.(?P<fmt>[^/.]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[^/.]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.request_list, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/.]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/.]+)" + FMT, views.token_lookup, name="token"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
