"""The search page."""

app_name = "search"
urlpatterns: list = []  # type: ignore[type-arg]
