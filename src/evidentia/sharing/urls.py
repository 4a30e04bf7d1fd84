from django.urls import path

from evidentia.sharing import views

app_name = "sharing"

urlpatterns = [
    path("case/<uuid:case_id>", views.export_case, name="export_case"),
    path("item/<uuid:item_id>", views.export_item, name="export_item"),
]
