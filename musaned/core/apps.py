from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "musaned.core"
    label = "core"
