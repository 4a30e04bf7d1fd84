from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "evidentia.cases"
    label = "cases"

    def ready(self) -> None:
        from evidentia.cases import signals  # noqa: F401  (connects the receivers)
