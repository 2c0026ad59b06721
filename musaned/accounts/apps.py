from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "musaned.accounts"
    label = "accounts"
