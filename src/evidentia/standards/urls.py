from django.urls import path

from evidentia.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("<uuid:complaint_id>/", views.detail, name="detail"),
    path("<uuid:complaint_id>/assign/", views.assign, name="assign"),
    path("<uuid:complaint_id>/status/", views.status, name="status"),
    path("<uuid:complaint_id>/details/", views.details, name="details"),
    path("<uuid:complaint_id>/notes/", views.note, name="note"),
    path("<uuid:complaint_id>/allegations/", views.allegation, name="allegation"),
    path(
        "<uuid:complaint_id>/allegations/<int:allegation_id>/",
        views.allegation_edit,
        name="allegation_edit",
    ),
    path(
        "<uuid:complaint_id>/allegations/<int:allegation_id>/finding/",
        views.finding,
        name="finding",
    ),
    path(
        "<uuid:complaint_id>/allegations/<int:allegation_id>/action/",
        views.action,
        name="action",
    ),
    path("<uuid:complaint_id>/letter/", views.letter, name="letter"),
    path("<uuid:complaint_id>/close/", views.close, name="close"),
    path("<uuid:complaint_id>/evidence/", views.link, name="link"),
]
