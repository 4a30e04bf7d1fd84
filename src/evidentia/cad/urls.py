from django.urls import path

from evidentia.cad import views

app_name = "cad"
urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_view, name="import"),
    path("import/run/", views.run_view, name="import_run"),
    path("imports/<uuid:import_id>/", views.result_view, name="import_result"),
    path("policies/", views.policies_view, name="policies"),
    path("compliance/", views.compliance_view, name="compliance"),
]
