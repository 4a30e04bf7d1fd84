from django.urls import path

from evidentia.sharing import records_public_views as views

app_name = "records_public"

urlpatterns = [
    path("", views.intake, name="intake"),
    path("status/", views.status, name="status"),
    path("download/<str:token>", views.download, name="download"),
]
