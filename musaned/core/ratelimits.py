"""Rates for django-ratelimit read from settings at request time, so an operator
(or a test) can change a documented limit without touching the views."""

from django.conf import settings


def rate(setting_name: str):
    def current_rate(group, request) -> str:
        return getattr(settings, setting_name)

    return current_rate
