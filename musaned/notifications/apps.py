from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "musaned.notifications"
    label = "notifications"
