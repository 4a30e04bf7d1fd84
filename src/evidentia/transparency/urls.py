from django.urls import path

from evidentia.transparency import views

app_name = "transparency"
urlpatterns = [
    path("", views.status, name="status"),
    path("refresh", views.refresh, name="refresh"),
]
