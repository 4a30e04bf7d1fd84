from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "evidentia.cases"
    label = "cases"
