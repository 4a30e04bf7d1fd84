from django.apps import AppConfig


class CadConfig(AppConfig):
    name = "evidentia.cad"
    label = "cad"
    verbose_name = "CAD calls and body-camera compliance"
