"""Rates for django-ratelimit read from settings at request time, so an operator
(or a test) can change a documented limit without touching the views."""

from django.conf import settings


def rate(setting_name: str):
    def current_rate(group, request) -> str:
        return getattr(settings, setting_name)

    return current_rate


def client_key(group, request) -> str:
    """Count per client address, read the same way as the lockout (trusted proxies only)."""
    from musaned.core.audit import client_ip

    return client_ip(request) or "unknown"
