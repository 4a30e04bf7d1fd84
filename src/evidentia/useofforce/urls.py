from django.urls import path

from evidentia.useofforce import views, views_types

app_name = "force"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.new, name="new"),
    path("types/", views_types.force_types, name="types"),
    path("<uuid:report_id>/", views.detail, name="detail"),
    path("<uuid:report_id>/edit/", views.edit, name="edit"),
    path("<uuid:report_id>/submit", views.submit, name="submit"),
    path("<uuid:report_id>/review", views.review, name="review"),
]
