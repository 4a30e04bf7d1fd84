"""The browser upload page."""

urlpatterns: list = []  # type: ignore[type-arg]
