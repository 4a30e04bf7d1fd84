from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evidentia.accounts"
    label = "accounts"

    def ready(self) -> None:
        from evidentia.accounts import signals  # noqa: F401  (connects the receivers)
