"""Case pages."""

app_name = "cases"
urlpatterns: list = []  # type: ignore[type-arg]
