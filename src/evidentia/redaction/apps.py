from django.apps import AppConfig


class RedactionConfig(AppConfig):
    name = "evidentia.redaction"
    label = "redaction"
    verbose_name = "Redaction"
