from django.urls import path

from evidentia.intervention import views

app_name = "intervention"

urlpatterns = [
    path("", views.alert_list, name="list"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:rule_id>/", views.rules, name="rule"),
    path("<uuid:alert_id>/", views.alert_detail, name="detail"),
    path("<uuid:alert_id>/record", views.record_view, name="record"),
    path("<uuid:alert_id>/forward", views.forward_view, name="forward"),
]
