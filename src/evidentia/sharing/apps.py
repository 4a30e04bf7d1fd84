from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "evidentia.sharing"
    label = "sharing"
    verbose_name = "Sharing and exports"
