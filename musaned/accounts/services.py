"""Every write to accounts: registration, activation, one-time codes, passwords.

Each function runs in one transaction, writes its audit event inside it, and
sends SMS only after the transaction commits. Nothing here tells a stranger whether
an ID number has an account (docs/decisions/0010-accounts-made-when-the-mobile-is-proven.md).
"""

import contextlib
import datetime as dt
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth import password_validation, update_session_auth_hash
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from musaned.accounts.backends import find_account
from musaned.accounts.errors import AccountError, AccountErrorCode, account_error
from musaned.accounts.models import CodePurpose, OneTimeCode, User, hash_code
from musaned.accounts.selectors import email_taken, username_taken
from musaned.core import locks
from musaned.core.audit import audit
from musaned.identity.registry import get_registry, match_person
from musaned.identity.saudi_id import SaudiId, mask_id, normalize_digits
from musaned.notifications.sms import send_sms

T = TypeVar("T")


@dataclass(frozen=True)
class Registration:
    """What the registration wizard collected, as checked by its forms."""

    national_id: str
    first_name: str
    family_name: str
    birth_date: dt.date
    username: str
    password_hash: str
    email: str
    mobile: str
    language: str
    # When the review page's consent to the privacy notice was given.
    consented_at: dt.datetime | None = None

    @property
    def id_type(self) -> str:
        return SaudiId.parse(self.national_id).id_type


# --- Checks the wizard makes step by step, and again at the end -------------


def registration_check_identity(
    *,
    national_id: str,
    id_type: str,
    first_name: str,
    family_name: str,
    birth_date: dt.date,
) -> None:
    """Raises ``AccountError`` if the registry does not match.

    The message never says which part did not match; the audit row does. Whether the
    ID already has an account is not checked here, nor said anywhere in the wizard: that
    is for the ID's owner to learn, by SMS (``registration_code_send``).
    """
    result = match_person(
        get_registry().lookup(national_id),
        id_type=id_type,
        first_name=first_name,
        family_name=family_name,
        birth_date=birth_date,
    )
    if not result.ok:
        with transaction.atomic():
            audit(
                "registration.registry_mismatch",
                national_id=mask_id(national_id),
                found=result.found,
                mismatched=list(result.mismatched),
            )
        raise account_error(AccountErrorCode.REGISTRY_MISMATCH)


def registration_check_mobile(*, national_id: str, mobile: str) -> None:
    record = get_registry().lookup(national_id)
    if record is not None and record.mobile and record.mobile != mobile:
        raise account_error(AccountErrorCode.MOBILE_MISMATCH)


def _registration_checks(registration: Registration) -> None:
    r = registration
    registration_check_identity(
        national_id=r.national_id,
        id_type=r.id_type,
        first_name=r.first_name,
        family_name=r.family_name,
        birth_date=r.birth_date,
    )
    registration_check_mobile(national_id=r.national_id, mobile=r.mobile)
    if username_taken(r.username):
        raise account_error(AccountErrorCode.USERNAME_TAKEN)
    if email_taken(r.email):
        raise account_error(AccountErrorCode.EMAIL_TAKEN)


ALREADY_REGISTERED_SMS = _(
    "Musaned: someone, perhaps you, tried to register a new account with your ID number. "
    "You already have an account: log in with the username %(username)s, or use "
    "“Forgotten password”. No new account was made. If it was not you, call %(phone)s."
)


def registration_code_send(*, registration: Registration, attempt: str, reuse: bool = True) -> bool:
    """The end of the wizard: the activation code to the mobile typed (the one the
    registry gives for the ID). Nothing is created yet; ``beneficiary_register`` makes
    the account when the code comes back, so an account exists only with a proven mobile.

    Re-checks what the steps checked (the registry may have changed, another tab may
    have taken the username or email). If the ID already has an account, everything
    happens the same way — the same code record, limits and answers — except that the
    code goes to nobody: the account's owner is told by SMS, at the account's mobile,
    that someone tried to register their ID, and no screen ever says it.

    With ``reuse``, a code still valid for this mobile (sent less than
    ``MUSANED_CODE_RESEND_SECONDS`` ago: Back, or a second tab) is bound to ``attempt``
    instead of a new one; returns whether an SMS was sent. Raises ``AccountError``.
    Side effect: one SMS after commit.
    """
    r = registration
    _registration_checks(r)
    existing = User.objects.filter(national_id=r.national_id).first()

    def message(code: str) -> tuple[str, str]:
        if existing is None:
            with translation.override(r.language):
                return r.mobile, _text(_CODE_TEXT[CodePurpose.ACTIVATION]) % {"code": code}
        with translation.override(existing.preferred_language):
            return existing.mobile, _text(ALREADY_REGISTERED_SMS) % {
                "username": existing.username,
                "phone": settings.MUSANED_SUPPORT_PHONE,
            }

    def record(otc: OneTimeCode) -> None:
        if existing is None:
            audit("code.sent", purpose=CodePurpose.ACTIVATION)
        else:
            audit(
                "registration.existing_account",
                target=existing,
                national_id=existing.masked_id,
            )

    return _send_or_reuse(
        user=None,
        mobile=r.mobile,
        purpose=CodePurpose.ACTIVATION,
        attempt=attempt,
        message=message,
        record=record,
        reuse=reuse,
    )


def beneficiary_register(*, registration: Registration, attempt: str, code: str) -> User:
    """Make the account once the activation code sent to its mobile comes back: the
    account is created active, with consent to the privacy notice recorded.

    Raises ``AccountError``: the code (not right, expired), or — only to someone who
    holds the right code — an ID, username or email that got an account meanwhile; then
    the code stays usable, for the person to change the username or email and confirm.
    """
    r = registration

    def create() -> User:
        if User.objects.filter(national_id=r.national_id).exists():
            raise account_error(AccountErrorCode.ALREADY_REGISTERED)
        if username_taken(r.username):
            raise account_error(AccountErrorCode.USERNAME_TAKEN)
        if email_taken(r.email):
            raise account_error(AccountErrorCode.EMAIL_TAKEN)
        now = timezone.now()
        user = User(
            username=r.username,
            national_id=r.national_id,
            id_type=r.id_type,
            first_name=r.first_name,
            last_name=r.family_name,
            birth_date=r.birth_date,
            email=r.email,
            mobile=r.mobile,
            password=r.password_hash,
            preferred_language=r.language,
            privacy_notice_version=settings.MUSANED_PRIVACY_NOTICE_VERSION,
            privacy_consent_at=r.consented_at or now,
            activated_at=now,
        )
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            # Lost a race with another registration of the same ID, username or email.
            if User.objects.filter(national_id=r.national_id).exists():
                raise account_error(AccountErrorCode.ALREADY_REGISTERED) from None
            if username_taken(r.username):
                raise account_error(AccountErrorCode.USERNAME_TAKEN) from None
            raise account_error(AccountErrorCode.EMAIL_TAKEN) from None
        audit(
            "account.registered",
            actor=user,
            target=user,
            national_id=user.masked_id,
            privacy_notice_version=user.privacy_notice_version,
        )
        audit("account.activated", actor=user, target=user)
        return user

    return _verified(
        mobile=r.mobile,
        purpose=CodePurpose.ACTIVATION,
        attempt=attempt,
        code=code,
        on_match=create,
    )


# --- One-time codes -------------------------------------------------------------

_CODE_TEXT = {
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


def _send_or_reuse(
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
    a new code but the newest one is still usable, bind that one to ``attempt``."""
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
            return user.mobile, _text(_CODE_TEXT[purpose]) % {"code": code}

    def record(otc: OneTimeCode) -> None:
        audit("code.sent", actor=user, target=user, purpose=purpose)

    return _send_or_reuse(
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


def _verified(
    *,
    purpose: CodePurpose,
    attempt: str,
    code: str,
    on_match: Callable[[], T],
    user: User | None = None,
    mobile: str = "",
) -> T:
    result = _code_verify_then(
        purpose=purpose, attempt=attempt, code=code, user=user, mobile=mobile, on_match=on_match
    )
    assert result is not None  # on_match ran: the code matched
    return result


def account_activate(*, user: User, attempt: str, code: str) -> User:
    """The activation code proves the mobile of an account made without one (an account
    from before registrations were made active, or one an administrator made)."""
    code_verify(user=user, purpose=CodePurpose.ACTIVATION, attempt=attempt, code=code)
    with transaction.atomic():
        user.activated_at = timezone.now()
        user.save(update_fields=["activated_at"])
        audit("account.activated", actor=user, target=user)
    return user


# --- Signing in and out ------------------------------------------------------------


def _masked_identifier(identifier: str) -> str:
    """What the audit keeps of a typed username or ID: an ID masked (``1*******08``)."""
    return mask_id(normalize_digits(identifier.strip()))


def login_failure_record(*, identifier: str) -> None:
    """A wrong username, ID or password (``login.failed``): the account it names is the
    actor when there is one; the identifier is kept masked, the password never."""
    with transaction.atomic():
        audit(
            "login.failed",
            actor=find_account(identifier),
            identifier=_masked_identifier(identifier),
        )


def login_lockout_record(*, identifier: str) -> None:
    """A sign-in refused because the account is locked for this client (``login.locked_out``)."""
    with transaction.atomic():
        audit("login.locked_out", identifier=_masked_identifier(identifier))


def login_client_pause_record() -> None:
    """This client reached ``MUSANED_LOGIN_FAILURES_PER_CLIENT`` failures whatever the
    account (password spraying): ``login.client_paused``, with the client's address."""
    with transaction.atomic():
        audit("login.client_paused")


def login_complete(*, user: User, attempt: str, code: str, request: HttpRequest) -> User:
    """Second factor: the sign-in code. Then Django's login (which rotates the session
    key); ``request`` is for the session, not for the audit."""
    code_verify(user=user, purpose=CodePurpose.LOGIN, attempt=attempt, code=code)
    django_login(request, user, backend="musaned.accounts.backends.UsernameOrNationalIdBackend")
    request.session["signed_in_at"] = int(time.time())
    with transaction.atomic():
        audit("login.succeeded", actor=user, target=user)
    return user


def account_logout(*, actor: User, request: HttpRequest) -> None:
    """Sign out: the audit row (``logout``), then Django's logout, which deletes the
    session on the server. ``request`` is for the session."""
    with transaction.atomic():
        audit("logout", actor=actor, target=actor)
    django_logout(request)


# --- Passwords --------------------------------------------------------------------------


def password_reset_request(*, national_id: str, attempt: str) -> User | None:
    """Someone asks for a reset code for ``national_id``: the audit row
    (``password.reset_requested``, ID masked) and, if an active account has the ID, a code
    to its mobile bound to ``attempt`` (within a minute of the last one, that code is
    bound instead). Returns that account, or ``None``; the caller answers the same
    either way, and a refused code (too many) is not said either."""
    user = find_account(national_id)
    known = user if user is not None and user.is_activated else None
    with transaction.atomic():
        audit("password.reset_requested", actor=user, national_id=mask_id(national_id))
    if known is not None:
        with contextlib.suppress(AccountError):
            code_send_or_reuse(user=known, purpose=CodePurpose.PASSWORD_RESET, attempt=attempt)
    return known


def password_reset_complete(
    *, user: User | None, attempt: str, code: str, new_password: str
) -> User:
    """Set a new password after the reset code; every existing session of the user ends.

    ``user`` is ``None`` when no code may be checked: no account has the ID typed, or the
    page's session had too many wrong tries. Then the code is refused exactly as a real
    account's wrong code is (``code.rejected``, ``AccountError`` ``code_invalid``), so the
    page answers alike for an ID with an account and one without.

    The new password is checked against the account (not like the username, name or ID)
    only once the code is right: before that, the page must not answer differently for
    an ID that has an account. Raises ``AccountError`` (the code) or ``ValidationError``
    (the password; the code then stays usable).
    """
    if user is None:
        with transaction.atomic():
            audit("code.rejected", purpose=CodePurpose.PASSWORD_RESET)
        raise account_error(AccountErrorCode.CODE_INVALID)
    account = user

    def change() -> User:
        password_validation.validate_password(new_password, account)
        account.set_password(new_password)
        account.save(update_fields=["password"])
        audit("password.reset", actor=account, target=account)
        return account

    return _verified(
        user=account,
        purpose=CodePurpose.PASSWORD_RESET,
        attempt=attempt,
        code=code,
        on_match=change,
    )


def password_change(*, user: User, new_password: str, request: HttpRequest) -> User:
    """Change the password; other sessions end, this one stays signed in (``request`` is
    for the session)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit("password.changed", actor=user, target=user)
    update_session_auth_hash(request, user)
    return user


def password_set_by_staff(*, actor: User, user: User, new_password: str | None) -> User:
    """An administrator sets ``user``'s password (or, with ``None``, switches password
    sign-in off); every session of the user ends. Audited (``password.set_by_staff``),
    never with the password."""
    with transaction.atomic():
        if new_password is None:
            user.set_unusable_password()
        else:
            user.set_password(new_password)
        user.save(update_fields=["password"])
        audit(
            "password.set_by_staff",
            actor=actor,
            target=user,
            usable=new_password is not None,
        )
    return user


def _text(message: str | Promise) -> str:
    """A lazy message in the active language (``translation.override`` around the call)."""
    return str(message)
