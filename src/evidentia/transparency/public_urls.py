from django.urls import path  # noqa: F401

app_name = "transparency_public"
urlpatterns: list = []
