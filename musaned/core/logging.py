"""Request ids and JSON log lines with personal data masked.

Every request gets an id: the one a trusted proxy sent in ``X-Request-ID`` when it looks
safe (``MUSANED_TRUST_REQUEST_ID``), otherwise a new one. It goes back in the response's
``X-Request-ID`` header and onto every log line written while the request runs, so one
id ties the proxy's log, gunicorn's access line and the application's lines together.

``JsonFormatter`` writes one JSON object per line. Personal data never reaches a log
unmasked (docs/QUALITY.md, PDPL): ID and iqama numbers, Saudi mobiles and email
addresses are masked wherever they appear (message, extra fields, exception text), and
fields that hold a secret (password, one-time code, token) are dropped to ``[redacted]``.
"""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.signals import request_finished
from django.http import HttpRequest

from musaned.core.digits import mask_id

REQUEST_ID_HEADER = "X-Request-ID"
# Letters, digits and dashes only: an id from outside can neither forge a log line nor
# smuggle data into one.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")

# What the current request adds to each line: request_id, method, path; and, never logged,
# the client's address, which the audit trail reads (``current_request_context``).
_request_context: ContextVar[dict[str, str] | None] = ContextVar(
    "musaned_request_context", default=None
)


def current_request_context() -> dict[str, str]:
    """The request being answered in this thread: ``request_id``, ``method``, ``path`` and
    ``client_ip`` (empty outside a request: a job, a task, a management command). Services
    never take the request to learn these: the audit trail reads them from here."""
    return dict(_request_context.get() or {})


class RequestIdMiddleware:
    """Gives the request an id (``request.request_id``), logs under it, and returns it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        incoming = (
            request.headers.get(REQUEST_ID_HEADER, "") if settings.MUSANED_TRUST_REQUEST_ID else ""
        )
        request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute
        # Not reset when this returns: Django logs a 4xx/5xx answer after the middleware
        # chain, and that line must carry the id too. ``request_finished`` clears it.
        from musaned.core.audit import client_ip  # the models are ready by the first request

        _request_context.set(
            {
                "request_id": request_id,
                "method": request.method or "",
                "path": request.path,
                "client_ip": client_ip(request) or "",
            }
        )
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _forget_request(**kwargs) -> None:
    _request_context.set(None)


request_finished.connect(_forget_request, dispatch_uid="musaned.core.logging.forget_request")


# --- Masking ---------------------------------------------------------------------------
# Digits in any script people type (ASCII, Arabic-Indic, Persian): IDs are normalised
# before storage, but what reaches a log may be raw input. A run of digits inside a
# word of ASCII letters and digits (a hash, a uuid, a session key) is not a number.
_DIGIT = "[0-9٠-٩۰-۹]"
_BEFORE = r"(?<![0-9A-Za-z+٠-٩۰-۹])"
_AFTER = r"(?![0-9A-Za-z٠-٩۰-۹])"
_NATIONAL_ID = re.compile(rf"{_BEFORE}[12١٢۱۲]{_DIGIT}{{9}}{_AFTER}")
_MOBILE = re.compile(
    rf"{_BEFORE}(?P<prefix>(?:\+|00|٠٠|۰۰)?(?:9665|٩٦٦٥|۹۶۶۵)|05|٠٥|۰۵){_DIGIT}{{6}}(?P<last>{_DIGIT}{{2}}){_AFTER}"
)
_EMAIL = re.compile(
    r"(?P<first>[A-Za-z0-9_%+-])[A-Za-z0-9._%+-]*@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
)
_SECRET_IN_TEXT = re.compile(
    r"(?i)(?P<key>\b(?:password|passwd|pwd|secret|token|otp)\w*[\"']?\s*[=:]\s*)"
    r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s,;&}]+)"
)
REDACTED = "[redacted]"
# Field names whose values are secrets, whatever they hold. ``status_code`` is not one.
_SECRET_KEY = re.compile(
    r"(?i)(password|passwd|pwd|secret|token|api_?key|authorization|cookie|csrf|sessionid|"
    r"otp|^code$|_code$|^pin$)"
)
_NOT_SECRET_KEYS = {"status_code", "error_code"}


def mask_personal_data(text: str) -> str:
    """ID and iqama numbers, Saudi mobiles, emails and ``password=…`` pairs in free text."""
    if "@" in text:
        text = _EMAIL.sub(lambda m: f"{m['first']}***@{m['domain']}", text)
    text = _MOBILE.sub(lambda m: f"{m['prefix']}{'*' * 6}{m['last']}", text)
    text = _NATIONAL_ID.sub(lambda m: mask_id(m.group()), text)
    return _SECRET_IN_TEXT.sub(lambda m: f"{m['key']}{REDACTED}", text)


def _is_secret_key(key: str) -> bool:
    return key.lower() not in _NOT_SECRET_KEYS and bool(_SECRET_KEY.search(key))


def mask_value(value: Any, key: str = "") -> Any:
    """A value fit for a log line: secrets dropped, personal data masked, JSON types only."""
    if key and _is_secret_key(key):
        return REDACTED
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {str(k): mask_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [mask_value(item) for item in value]
    return mask_personal_data(str(value))


# --- The formatter ----------------------------------------------------------------------
_RECORD_ATTRIBUTES = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "request",
    "status_code",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (ISO 8601, UTC), level, logger, message, request_id,
    method, path, status (where known), exception, and any ``extra`` fields — masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask_personal_data(record.getMessage()),
        }
        entry.update(self._request_fields(record))
        status = getattr(record, "status", None) or getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = mask_value(status)
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = mask_personal_data(record.exc_text)
        if record.stack_info:
            entry["stack"] = mask_personal_data(self.formatStack(record.stack_info))
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRIBUTES and key not in entry and not key.startswith("_"):
                entry[key] = mask_value(value, key)
        return json.dumps(entry, ensure_ascii=False, default=str)

    @staticmethod
    def _request_fields(record: logging.LogRecord) -> dict[str, str]:
        """From the record's own fields first, then its ``request``, then the running request."""
        context = dict(_request_context.get() or {})
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            context.update(
                {
                    "request_id": getattr(request, "request_id", context.get("request_id", "")),
                    "method": request.method or "",
                    "path": request.path,
                }
            )
        fields = {}
        for name in ("request_id", "method", "path"):
            value = getattr(record, name, None) or context.get(name)
            if value:
                # The id is ours or passed the safe-characters test; a path may hold anything.
                fields[name] = (
                    str(value) if name == "request_id" else mask_personal_data(str(value))
                )
        return fields
