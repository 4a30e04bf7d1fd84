from django.apps import AppConfig


class StandardsConfig(AppConfig):
    name = "evidentia.standards"
    label = "standards"
    verbose_name = "Professional standards: complaints and investigations"
