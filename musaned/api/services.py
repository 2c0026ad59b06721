"""Writes of the API app: tokens and idempotent answers."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from musaned.api.models import ApiToken, IdempotencyRecord, hash_token
from musaned.core.audit import audit


def api_token_create(*, user, name: str, request=None) -> tuple[ApiToken, str]:
    """A new token; returns it with the raw value, which is never stored or shown again."""
    raw = "msd_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:60], prefix=raw[:8], key_hash=hash_token(raw)
        )
        audit("api_token.created", actor=user, target=token, request=request, name=token.name)
    return token, raw


def api_token_revoke(*, token: ApiToken, actor, request=None) -> ApiToken:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit("api_token.revoked", actor=actor, target=token, request=request)
    return token


def api_token_touch(token: ApiToken) -> None:
    """Record the last use, at most once a minute (a hot path)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b" ")
    digest.update(request.path.encode())
    digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def idempotent(*, user, key: str, fingerprint: str, run) -> tuple[int, dict, bool]:
    """The first answer for (user, key): run it once, replay it after.

    ``run()`` returns (status, body). Returns (status, body, reused_with_other_body).
    The user's row is locked, so two concurrent requests with one key run once.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is not None:
            return record.status, record.body, record.request_hash != fingerprint
        status, body = run()
        IdempotencyRecord.objects.create(
            user=user, key=key, request_hash=fingerprint, status=status, body=body
        )
    return status, body, False
