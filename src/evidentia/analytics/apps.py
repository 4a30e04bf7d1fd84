from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "evidentia.analytics"
    label = "analytics"
    verbose_name = "Crime analytics"
