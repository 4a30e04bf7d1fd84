from django.apps import AppConfig


class InterventionConfig(AppConfig):
    name = "evidentia.intervention"
    label = "intervention"
    verbose_name = "Early intervention"
