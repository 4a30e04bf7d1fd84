"""Resumable uploads over tus 1.0.0 at /api/v1/uploads/."""

from django.urls import path

from evidentia.evidence import tus

app_name = "tus"
urlpatterns = [
    path("", tus.collection, name="collection"),
    path("<uuid:upload_id>", tus.resource, name="upload"),
]
