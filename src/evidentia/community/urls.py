"""Staff pages of the community portal at /community/ (namespace "community")."""

from django.urls import path

from evidentia.community.views import alerts, invites, media, queue, releases, report

app_name = "community"

R = "reports/<uuid:report_id>/"
M = R + "media/<uuid:media_id>/"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path(R, report.detail, name="report"),
    path(R + "status", report.set_status, name="status"),
    path(R + "assign", report.assign, name="assign"),
    path(R + "reply", report.reply, name="reply"),
    path(R + "merge", report.merge, name="merge"),
    path(R + "moderate", report.moderate, name="moderate"),
    path(R + "listed", report.listed, name="listed"),
    path(R + "case", report.open_case, name="open_case"),
    path(M + "prepare", media.prepare, name="media_prepare"),
    path(M + "copies/<uuid:blob_id>/", media.copy_page, name="media_copy"),
    path(M + "copies/<uuid:blob_id>/image", media.copy_image, name="media_copy_image"),
    path(M + "publish", media.publish, name="media_publish"),
    path(M + "unpublish", media.unpublish, name="media_unpublish"),
    path("invites/new/", invites.new, name="invite_new"),
    path("invites/<uuid:invite_id>/revoke", invites.revoke, name="invite_revoke"),
    path("cases/<uuid:case_id>/invites/", invites.case_invites, name="case_invites"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<uuid:alert_id>/withdraw", alerts.withdraw, name="alert_withdraw"),
    path("releases/", releases.release_list, name="releases"),
    path("releases/new", releases.new, name="release_new"),
    path("releases/<uuid:release_id>/withdraw", releases.withdraw, name="release_withdraw"),
]
