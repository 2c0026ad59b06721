"""Writes of the API app: tokens and idempotent answers.

The API sits beside accounts (``pyproject.toml``, ``[tool.importlinter]``): the acting
user is ``musaned.core.actors.User``, which mypy reads as ``accounts.User``.
"""

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from musaned.api.errors import ApiErrorCode, IdempotencyConflict, api_error
from musaned.api.models import ApiToken, IdempotencyRecord, hash_token
from musaned.core import locks
from musaned.core.actors import User
from musaned.core.audit import audit

__all__ = [
    "IdempotencyConflict",
    "api_token_create",
    "api_token_revoke",
    "api_token_touch",
    "idempotent",
    "request_fingerprint",
]


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; returns it with the raw value, which is never stored or shown again."""
    raw = "msd_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:60], prefix=raw[:8], key_hash=hash_token(raw)
        )
        audit("api_token.created", actor=user, target=token, name=token.name)
    return token, raw


def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Stop ``token`` working (once: revoking it again changes and audits nothing)."""
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit("api_token.revoked", actor=actor, target=token)
    return token


def api_token_touch(token: ApiToken) -> None:
    """Record the last use, at most once a minute (a hot path)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def request_fingerprint(request: HttpRequest) -> str:
    """What makes two requests the same one: method, path and body."""
    digest = hashlib.sha256()
    digest.update((request.method or "").encode())
    digest.update(b" ")
    digest.update(request.path.encode())
    digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _saved_answer(*, user: User, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def idempotent(
    *,
    user: User,
    key: str,
    fingerprint: str,
    run: Callable[[], tuple[int, Any]],
) -> tuple[int, Any, bool]:
    """The first answer for (user, key): run it once, replay it after.

    ``run()`` returns (status, body); it runs in the same transaction as the record,
    so its writes and the saved answer commit together or not at all. Returns
    (status, body, reused_with_other_body). The user's row is locked, so concurrent
    requests with one key wait for the first; should one still slip past (a database
    that ignores row locks), the unique (user, key) constraint rolls its work back and
    it answers what the first request saved. Raises IdempotencyConflict (409) if
    nothing is saved under the key even then.
    """
    saving = False
    try:
        with transaction.atomic():
            locks.lock_where(get_user_model()._default_manager.filter(pk=user.pk))
            record = _saved_answer(user=user, key=key)
            if record is not None:
                return record.status, record.body, record.request_hash != fingerprint
            status, body = run()
            saving = True
            IdempotencyRecord.objects.create(
                user=user, key=key, request_hash=fingerprint, status=status, body=body
            )
    except IntegrityError:
        if not saving:
            raise
        record = _saved_answer(user=user, key=key)
        if record is None:
            raise api_error(ApiErrorCode.IDEMPOTENCY_KEY_IN_USE) from None
        return record.status, record.body, record.request_hash != fingerprint
    return status, body, False
