"""One-time codes: six digits by SMS, single use, bound to the browser session that asked
for them, within the limits (one a minute, ``MUSANED_CODES_PER_HOUR`` an hour,
``MUSANED_CODE_MAX_ATTEMPTS`` tries, ``MUSANED_CODE_TTL_SECONDS``). A code belongs to an
account, or, for a registration, to the mobile it was sent to."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from musaned.accounts.errors import AccountError, AccountErrorCode, account_error
from musaned.accounts.models import CodePurpose, OneTimeCode, User, hash_code
from musaned.core import locks
from musaned.core.audit import audit
from musaned.notifications.sms import send_sms

T = TypeVar("T")

CODE_TEXT = {
    CodePurpose.ACTIVATION: _(
        "Musaned: your account activation code is %(code)s. It expires in 10 minutes."
    ),
    CodePurpose.LOGIN: _(
        "Musaned: your sign-in code is %(code)s. It expires in 10 minutes. "
        "Never share it with anyone."
    ),
    CodePurpose.PASSWORD_RESET: _(
        "Musaned: your password reset code is %(code)s. It expires in 10 minutes. "
        "If you did not ask for it, call 920002866."
    ),
    CodePurpose.SIGNATURE: _(
        "Musaned: your code to sign your recruitment contract is %(code)s. It expires in "
        "10 minutes. Never share it with anyone."
    ),
}


def new_attempt() -> str:
    """A random token that binds codes to the browser session that asked for them."""
    return secrets.token_urlsafe(24)


def _codes(*, user: User | None, mobile: str, purpose: str) -> QuerySet[OneTimeCode]:
    """The codes one set of limits counts: an account's, or a registration's mobile's."""
    if user is not None:
        return OneTimeCode.objects.filter(user=user, purpose=purpose)
    return OneTimeCode.objects.filter(user__isnull=True, mobile=mobile, purpose=purpose)


def _newest_locked(codes: QuerySet[OneTimeCode]) -> OneTimeCode | None:
    """The newest of ``codes``, locked and read again (``core/locks.py``): ``None`` when
    there is none, or when another transaction changed it out of ``codes`` meanwhile."""
    newest = codes.order_by("-created_at").values_list("pk", flat=True).first()
    if newest is None:
        return None
    return locks.lock_where(codes.filter(pk=newest))


def _lock(*, user: User | None, mobile: str) -> None:
    """Serialise code sending for one account (its row) or one mobile, so two quick
    requests cannot both pass the limits. (SQLite's transactions are serialised anyway.)
    A registration's mobile has no row yet: PostgreSQL's advisory lock on it serves."""
    if user is not None:
        locks.lock_where(User.objects.filter(pk=user.pk))
    elif connection.vendor == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(f"otc:{mobile}".encode()).digest()[:8], "big", signed=True
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def code_issue(
    *,
    user: User | None,
    mobile: str,
    purpose: str,
    attempt: str,
    message: Callable[[str], tuple[str, str]],
    record: Callable[[OneTimeCode], None],
    reuse: bool,
) -> bool:
    """Make a code and send ``message(code)`` (``(to, body)``) after commit, within the
    limits; ``record(otc)`` writes the audit row. With ``reuse``, when the limits refuse
    a new code but the newest one is still usable, bind that one to ``attempt``. Returns
    whether a new code was sent; raises ``AccountError`` (the limits). The building block
    of ``code_send_or_reuse`` and of registration's code, which go to different people."""
    now = timezone.now()
    try:
        with transaction.atomic():
            _lock(user=user, mobile=mobile)
            codes = _codes(user=user, mobile=mobile, purpose=purpose)
            recent = codes.filter(created_at__gte=now - timedelta(hours=1))
            last = recent.order_by("-created_at").first()
            # A used code (the person signed in) does not hold back the next one.
            if (
                last
                and last.used_at is None
                and (now - last.created_at).total_seconds() < settings.MUSANED_CODE_RESEND_SECONDS
            ):
                raise account_error(AccountErrorCode.CODE_TOO_SOON)
            if recent.count() >= settings.MUSANED_CODES_PER_HOUR:
                raise account_error(AccountErrorCode.CODE_TOO_MANY)
            codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
            code = f"{secrets.randbelow(1_000_000):06d}"
            otc = OneTimeCode.objects.create(
                user=user,
                mobile="" if user is not None else mobile,
                purpose=purpose,
                attempt=attempt,
                code_hash=hash_code(code),
                expires_at=now + timedelta(seconds=settings.MUSANED_CODE_TTL_SECONDS),
            )
            record(otc)
            to, body = message(code)
            if to:
                transaction.on_commit(lambda: send_sms(to, body))
    except AccountError:
        if not reuse or not _code_rebind(
            user=user, mobile=mobile, purpose=purpose, attempt=attempt
        ):
            raise
        return False
    return True


def _code_rebind(*, user: User | None, mobile: str, purpose: str, attempt: str) -> bool:
    """Bind the newest code, if it can still be used, to ``attempt``: the person signing
    in again (Back, another browser: the password was right again) gets the code already
    on their mobile instead of a refusal. The code still goes only to that mobile, and
    the earlier attempt can no longer use it."""
    with transaction.atomic():
        _lock(user=user, mobile=mobile)
        otc = _newest_locked(_codes(user=user, mobile=mobile, purpose=purpose))
        if otc is None or not otc.is_usable:
            return False
        otc.attempt = attempt
        otc.save(update_fields=["attempt", "updated_at"])
        audit("code.rebound", actor=user, target=user, purpose=purpose)
    return True


def code_send(*, user: User, purpose: CodePurpose, attempt: str) -> OneTimeCode:
    """Send a fresh six-digit code to the user's mobile; earlier codes stop working.

    Raises ``AccountError`` (too soon after the last code, unless that one was used, or
    too many in an hour). Side effect: an SMS after commit, in the user's language.
    """
    code_send_or_reuse(user=user, purpose=purpose, attempt=attempt, reuse=False)
    sent = _codes(user=user, mobile="", purpose=purpose).order_by("-created_at").first()
    assert sent is not None  # made just now (or the send raised)
    return sent


def code_send_or_reuse(
    *,
    user: User,
    purpose: CodePurpose,
    attempt: str,
    reuse: bool = True,
) -> bool:
    """``code_send``, except that when the limits refuse a new code while the last one
    is still usable (a second sign-in within ``MUSANED_CODE_RESEND_SECONDS``), that code
    is bound to ``attempt``. Returns whether a new SMS was sent. Raises ``AccountError``
    when there is neither a new code nor a usable one."""

    def message(code: str) -> tuple[str, str]:
        with translation.override(user.preferred_language):
            return user.mobile, str(CODE_TEXT[purpose]) % {"code": code}

    def record(otc: OneTimeCode) -> None:
        audit("code.sent", actor=user, target=user, purpose=purpose)

    return code_issue(
        user=user,
        mobile=user.mobile,
        purpose=purpose,
        attempt=attempt,
        message=message,
        record=record,
        reuse=reuse,
    )


def code_verify(
    *,
    purpose: CodePurpose,
    attempt: str,
    code: str,
    user: User | None = None,
    mobile: str = "",
) -> None:
    """Use up the code if it is right; raises ``AccountError`` otherwise. The code is
    the account's, or (``user`` None) the one sent to ``mobile`` for a registration.

    A wrong try is counted; after ``MUSANED_CODE_MAX_ATTEMPTS`` the code dies.
    """
    _code_verify_then(
        purpose=purpose, attempt=attempt, code=code, user=user, mobile=mobile, on_match=None
    )


def _code_verify_then(
    *,
    purpose: CodePurpose,
    attempt: str,
    code: str,
    user: User | None,
    mobile: str,
    on_match: Callable[[], T] | None,
) -> T | None:
    """``code_verify``, then what ``on_match()`` returns: it runs in the same transaction
    once the code matched; if it raises, nothing is kept and the code stays usable."""
    code = "".join(code.split())
    result = None
    with transaction.atomic():
        codes = _codes(user=user, mobile=mobile, purpose=purpose)
        otc = _newest_locked(codes.filter(attempt=attempt, used_at__isnull=True))
        error: AccountErrorCode | None
        if otc is None or not otc.is_usable:
            error = AccountErrorCode.CODE_EXPIRED
        elif not otc.matches(code):
            otc.failed_tries += 1
            otc.save(update_fields=["failed_tries", "updated_at"])
            error = AccountErrorCode.CODE_INVALID
        else:
            otc.used_at = timezone.now()
            otc.save(update_fields=["used_at", "updated_at"])
            error = None
        audit(
            "code.verified" if error is None else "code.rejected",
            actor=user,
            target=user,
            purpose=purpose,
        )
        if error is None and on_match is not None:
            result = on_match()
    if error is not None:
        raise account_error(error)
    return result


def code_verify_then(
    *,
    purpose: CodePurpose,
    attempt: str,
    code: str,
    on_match: Callable[[], T],
    user: User | None = None,
    mobile: str = "",
) -> T:
    """``code_verify``, then ``on_match()`` in the same transaction; returns what it
    returns. If it raises, nothing is kept and the code stays usable."""
    result = _code_verify_then(
        purpose=purpose, attempt=attempt, code=code, user=user, mobile=mobile, on_match=on_match
    )
    assert result is not None  # on_match ran: the code matched
    return result
