"""Public pages at /public/: no staff session, rate limited, nothing that identifies
a resident. Files sent with tus go to /public/uploads/ (public_tus_urls)."""

from django.urls import path

from evidentia.community.feeds import AlertsFeed, ReportsFeed
from evidentia.community.public_views import (
    alerts,
    invite,
    listing,
    media,
    releases,
    report_form,
    tracking,
)

app_name = "public"

urlpatterns = [
    path("", report_form.home, name="home"),
    path("track/", tracking.track_form, name="track_form"),
    path("track/<str:code>/", tracking.track, name="track"),
    path("reports/", listing.report_list, name="reports"),
    path("reports/feed.atom", ReportsFeed(), name="reports_feed"),
    path("reports/<str:public_id>/", listing.report_detail, name="report"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/feed.atom", AlertsFeed(), name="alerts_feed"),
    path("invite/<str:token>/", invite.invite_page, name="invite"),
    path("media/<uuid:media_id>", media.media, name="media"),
    path("releases/", releases.release_list, name="releases"),
    path("releases/<uuid:release_id>/video", releases.release_video, name="release_video"),
    path("releases/<str:key>/", releases.release_detail, name="release"),
]
