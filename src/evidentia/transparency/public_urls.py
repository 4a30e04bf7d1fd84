from django.urls import path, register_converter

from evidentia.transparency import public_views as v


class Year:
    regex = r"\d{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:04d}"


register_converter(Year, "yyyy")

app_name = "transparency_public"
urlpatterns = [
    path("", v.overview, name="overview"),
    path("dictionary/", v.dictionary, name="dictionary"),
    path("dictionary.json", v.dictionary_json, name="dictionary_json"),
    path("data/<slug:key>-<yyyy:year>.csv", v.download, {"fmt": "csv"}, name="csv"),
    path("data/<slug:key>-<yyyy:year>.json", v.download, {"fmt": "json"}, name="json"),
]
