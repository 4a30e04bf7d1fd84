from django.urls import path

from evidentia.redaction import views

app_name = "redaction"

urlpatterns = [
    path("items/<uuid:item_id>/", views.item_plans, name="item_plans"),
    path("plans/<uuid:plan_id>/", views.studio, name="studio"),
    path(
        "plans/<uuid:plan_id>/versions/<int:version_id>/stream",
        views.version_stream,
        name="version_stream",
    ),
    path(
        "plans/<uuid:plan_id>/versions/<int:version_id>/review-log.pdf",
        views.version_review_pdf,
        name="version_review_pdf",
    ),
]
