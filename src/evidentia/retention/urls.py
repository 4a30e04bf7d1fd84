from django.urls import path

from evidentia.retention import rules_views, views

app_name = "retention"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("rules/", rules_views.rules, name="rules"),
    path("rules/<str:category_id>/", rules_views.rule, name="rule"),
    path("items/<uuid:item_id>/request", views.request_view, name="request"),
    path("items/<uuid:item_id>/certificate.pdf", views.item_certificate, name="item_certificate"),
    path("<uuid:disposition_id>/approve", views.approve_view, name="approve"),
    path("<uuid:disposition_id>/reject", views.reject_view, name="reject"),
    path("<uuid:disposition_id>/certificate.pdf", views.certificate, name="certificate"),
    path("holds/", views.hold_view, name="hold"),
    path("holds/<uuid:hold_id>/release", views.release_view, name="release"),
]
