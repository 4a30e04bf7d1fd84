from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "evidentia.community"
    label = "community"
    verbose_name = "Community portal"

    def ready(self) -> None:
        from evidentia.community.services import grants

        grants.register()
