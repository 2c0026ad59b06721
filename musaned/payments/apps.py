from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "musaned.payments"
    label = "payments"
