"""The search page."""

from django.urls import path

from evidentia.cases import search_views

app_name = "search"
urlpatterns = [path("", search_views.results, name="results")]
