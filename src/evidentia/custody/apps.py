from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "evidentia.custody"
    label = "custody"
