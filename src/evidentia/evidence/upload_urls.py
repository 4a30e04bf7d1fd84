"""The browser upload page."""

from django.urls import path

from evidentia.evidence import tus

urlpatterns = [
    path("upload/", tus.upload_page, name="upload"),
]
