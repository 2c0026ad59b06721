"""Writing audit events. Called inside the service's own transaction."""

from typing import Any

from django.db import models
from django.http import HttpRequest

from musaned.core.models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as the trusted proxy (if any) reported it (same rule as axes)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def audit(
    action: str,
    *,
    actor=None,
    target: models.Model | None = None,
    request: HttpRequest | None = None,
    **data: Any,
) -> AuditEvent:
    """Append one audit event. ``data`` must already be masked."""
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data,
        ip_address=client_ip(request),
    )
