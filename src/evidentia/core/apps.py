from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "evidentia.core"
    label = "core"
