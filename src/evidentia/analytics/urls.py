from django.urls import path

from evidentia.analytics import views, views_areas, views_forecast, views_import

app_name = "analytics"
urlpatterns = [
    path("", views.map_view, name="index"),
    path("map/", views.map_view, name="map"),
    path("map/export.geojson", views.export_geojson, name="map_geojson"),
    path("map/export.csv", views.export_csv, name="map_csv"),
    path("performance/", views.performance_view, name="performance"),
    path("import/", views_import.import_view, name="import"),
    path("import/run/", views_import.run_view, name="import_run"),
    path("import/cad/", views_import.cad_view, name="import_cad"),
    path("areas/", views_areas.areas_view, name="areas"),
    path("imports/<uuid:run_id>/", views_import.result_view, name="import_result"),
    path("forecast/", views_forecast.forecast_view, name="forecast"),
    path("forecast/export.csv", views_forecast.export_csv, name="forecast_csv"),
    path("forecast/export.geojson", views_forecast.export_geojson, name="forecast_geojson"),
]
