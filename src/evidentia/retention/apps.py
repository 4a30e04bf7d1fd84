from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "evidentia.retention"
    label = "retention"
    verbose_name = "Retention and disposition"
