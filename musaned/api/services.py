"""Writes of the API app: tokens and idempotent answers."""

import hashlib
import secrets

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.api.models import ApiToken, IdempotencyRecord, hash_token
from musaned.core.audit import audit
from musaned.core.errors import InvalidTransition


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token; returns it with the raw value, which is never stored or shown again."""
    raw = "msd_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:60], prefix=raw[:8], key_hash=hash_token(raw)
        )
        audit("api_token.created", actor=user, target=token, name=token.name)
    return token, raw


def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
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


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b" ")
    digest.update(request.path.encode())
    digest.update(b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _saved_answer(*, user, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


class IdempotencyConflict(InvalidTransition):
    """Another request with the same key is being answered and its answer is not saved yet."""


def idempotent(*, user, key: str, fingerprint: str, run) -> tuple[int, dict, bool]:
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
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
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
            raise IdempotencyConflict(
                "idempotency_key_in_use",
                _("A request with this Idempotency-Key is still being answered. Try again."),
            ) from None
        return record.status, record.body, record.request_hash != fingerprint
    return status, body, False
