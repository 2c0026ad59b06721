from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "musaned.identity"
    label = "identity"
