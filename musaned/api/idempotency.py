"""``Idempotency-Key`` on every API write: the header each write declares, and the
wrapper that answers a retried request with the first answer (``api.services.idempotent``
keeps it). Every app's router uses these; see docs/api.md."""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Status

from musaned.api.errors import MESSAGES, ApiErrorCode, status_for
from musaned.api.schemas import required_header
from musaned.api.services import idempotent, request_fingerprint
from musaned.core.errors import ApplicationError, error_body

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 100

# The header of every write: required, as the schema says; the 400 for a missing or too
# long key is ours (``with_idempotency``).
IDEMPOTENCY_KEY = required_header(
    IDEMPOTENCY_HEADER,
    description="Required: your unique key for this action (1-100 characters). "
    "The same key and body again gives the first answer.",
    max_length=IDEMPOTENCY_KEY_MAX_LENGTH,
)


def as_sent(data: Any) -> dict:
    """The body exactly as the API would send it (dates and decimals as strings)."""
    from ninja.renderers import JSONRenderer

    return json.loads(JSONRenderer().render(None, data, response_status=200))  # type: ignore[arg-type]


def with_idempotency(
    request: HttpRequest, key: str | None, run: Callable[[], tuple[int, Any]]
) -> Status:
    """Run ``run()`` (which returns ``(status, body)``) once per (user, key); a retry with
    the same key and body gets the saved answer, with another body a 422."""
    key = (key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX_LENGTH:
        return Status(
            400,
            error_body(
                ApiErrorCode.IDEMPOTENCY_KEY_REQUIRED,
                MESSAGES[ApiErrorCode.IDEMPOTENCY_KEY_REQUIRED],
            ),
        )

    def answer() -> tuple[int, dict]:
        try:
            status, body = run()
        except ApplicationError as exc:
            status, body = status_for(exc), error_body(exc.code, exc.message, exc.fields)
        return status, as_sent(body)

    status, body, reused = idempotent(
        user=request.auth,  # type: ignore[attr-defined]  # ninja's token auth sets it
        key=key,
        fingerprint=request_fingerprint(request),
        run=answer,
    )
    if reused:
        return Status(
            422,
            error_body(
                ApiErrorCode.IDEMPOTENCY_KEY_REUSED, MESSAGES[ApiErrorCode.IDEMPOTENCY_KEY_REUSED]
            ),
        )
    return Status(status, body)
