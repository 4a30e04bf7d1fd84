from django.urls import include, path

from evidentia.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.evidence_list, name="list"),
    path("multicam/", views.multicam, name="multicam"),
    path("map/", views.map_search, name="map"),
    path("<uuid:item_id>/", views.evidence_detail, name="detail"),
    path("<uuid:item_id>/download", views.evidence_download, name="download"),
    path("<uuid:item_id>/custody.pdf", views.item_custody_report, name="custody_report"),
    path("", include("evidentia.evidence.media_urls")),
    path("", include("evidentia.evidence.upload_urls")),
]
