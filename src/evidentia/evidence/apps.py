from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidentia.evidence"
    label = "evidence"
