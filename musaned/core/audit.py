"""Writing audit events. Called inside the service's own transaction."""

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from musaned.core.logging import current_request_context
from musaned.core.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the connection's own address, or, behind
    ``MUSANED_TRUSTED_PROXY_COUNT`` reverse proxies, the address the first of them saw.

    Each trusted proxy appends the address it was connected from to ``X-Forwarded-For``,
    so with N of them the client is the N-th entry counted from the right; anything to
    its left was written by the client and is ignored. Fewer entries than proxies, or an
    entry that is not an address, means the request did not come through them: then the
    connection's address counts (one shared address is safer than a forged one).
    django-axes reads the address through this function (``AXES_CLIENT_IP_CALLABLE``), so
    the lockout, the rate limits, the captcha threshold and the audit trail agree.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "MUSANED_TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(forwarded) < count:
        return remote
    return _address(forwarded[-count]) or remote


def _address(value: str) -> str | None:
    """``value`` as a plain IP address (a proxy may add a port: ``1.2.3.4:5678``,
    ``[2001:db8::1]:5678``), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def audit(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    **data: Any,
) -> AuditEvent:
    """Append one audit event, inside the calling service's transaction. ``data`` must
    already be masked. The client's address and the request id come from the request
    being answered (``musaned.core.logging.current_request_context``; none in a job)."""
    context = current_request_context()
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
        ip_address=context.get("client_ip") or None,
        request_id=context.get("request_id", ""),
    )
