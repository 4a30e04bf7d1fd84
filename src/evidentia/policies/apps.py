from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "evidentia.policies"
    label = "policies"
    verbose_name = "Published policies and public comment"
