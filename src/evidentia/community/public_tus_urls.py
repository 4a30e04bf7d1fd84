from django.urls import path

from evidentia.community import public_tus

app_name = "public_tus"
urlpatterns = [
    path("", public_tus.collection, name="collection"),
    path("<uuid:upload_id>", public_tus.resource, name="upload"),
]
