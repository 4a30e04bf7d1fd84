from django.apps import AppConfig


class UseOfForceConfig(AppConfig):
    name = "evidentia.useofforce"
    label = "useofforce"
    verbose_name = "Use-of-force reports"
