from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "evidentia.transparency"
    label = "transparency"
    verbose_name = "Transparency portal and published policies"
