"""Every write to accounts: registration, activation, one-time codes, passwords.

Each function runs in one transaction, writes its audit event inside it, and
sends SMS only after the transaction commits.
"""

import datetime as dt
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import update_session_auth_hash
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import CodePurpose, OneTimeCode, User, hash_code
from musaned.core.audit import audit
from musaned.core.errors import ApplicationError
from musaned.identity.registry import get_registry, match_person
from musaned.identity.saudi_id import SaudiId, mask_id
from musaned.notifications.sms import send_sms


class AccountErrorCode(StrEnum):
    ALREADY_REGISTERED = "already_registered"
    REGISTRY_MISMATCH = "registry_mismatch"
    MOBILE_MISMATCH = "mobile_mismatch"
    USERNAME_TAKEN = "username_taken"
    EMAIL_TAKEN = "email_taken"
    CODE_TOO_SOON = "code_too_soon"
    CODE_TOO_MANY = "code_too_many"
    CODE_INVALID = "code_invalid"
    CODE_EXPIRED = "code_expired"


class AccountError(ApplicationError):
    pass


MESSAGES = {
    AccountErrorCode.ALREADY_REGISTERED: _("An account already exists for this ID number."),
    AccountErrorCode.REGISTRY_MISMATCH: _(
        "These details do not match the national registry. Check the ID type and number, "
        "your first and family names exactly as on your ID, and your date of birth."
    ),
    AccountErrorCode.MOBILE_MISMATCH: _(
        "This is not the mobile number registered to your ID in the national registry. "
        "Enter that number, or update it in Absher first."
    ),
    AccountErrorCode.USERNAME_TAKEN: _("This username is taken. Choose another one."),
    AccountErrorCode.EMAIL_TAKEN: _("An account already uses this email address."),
    AccountErrorCode.CODE_TOO_SOON: _(
        "A code was sent less than a minute ago. Wait a moment before asking for another."
    ),
    AccountErrorCode.CODE_TOO_MANY: _(
        "Too many codes were sent to this mobile in the last hour. Try again later."
    ),
    AccountErrorCode.CODE_INVALID: _("This code is not right. Check the SMS and try again."),
    AccountErrorCode.CODE_EXPIRED: _(
        "This code has expired or was already used. Ask for a new code."
    ),
}


def _fail(code: AccountErrorCode) -> AccountError:
    return AccountError(code, MESSAGES[code])


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
    request: HttpRequest | None = None,
) -> None:
    """Raises ``AccountError`` if the ID is registered or the registry does not match.

    The message never says which part did not match; the audit row does.
    """
    if User.objects.filter(national_id=national_id).exists():
        raise _fail(AccountErrorCode.ALREADY_REGISTERED)
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
                request=request,
                national_id=mask_id(national_id),
                found=result.found,
                mismatched=list(result.mismatched),
            )
        raise _fail(AccountErrorCode.REGISTRY_MISMATCH)


def registration_check_mobile(*, national_id: str, mobile: str) -> None:
    record = get_registry().lookup(national_id)
    if record is not None and record.mobile and record.mobile != mobile:
        raise _fail(AccountErrorCode.MOBILE_MISMATCH)


def username_taken(username: str) -> bool:
    return User.objects.filter(username__iexact=username).exists()


def email_taken(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def beneficiary_register(*, registration: Registration, request: HttpRequest) -> User:
    """Create the account from the wizard's data and send the activation code.

    Re-checks everything the steps checked (the registry may have changed, or
    another tab may have registered the same ID). Records consent to the
    privacy notice. Raises ``AccountError``. Side effect: an SMS after commit.
    """
    r = registration
    registration_check_identity(
        national_id=r.national_id,
        id_type=r.id_type,
        first_name=r.first_name,
        family_name=r.family_name,
        birth_date=r.birth_date,
        request=request,
    )
    registration_check_mobile(national_id=r.national_id, mobile=r.mobile)
    if username_taken(r.username):
        raise _fail(AccountErrorCode.USERNAME_TAKEN)
    if email_taken(r.email):
        raise _fail(AccountErrorCode.EMAIL_TAKEN)
    try:
        with transaction.atomic():
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
                privacy_consent_at=timezone.now(),
            )
            user.save()
            audit(
                "account.registered",
                actor=user,
                target=user,
                request=request,
                national_id=user.masked_id,
                privacy_notice_version=user.privacy_notice_version,
            )
    except IntegrityError:
        # Lost a race with another registration of the same ID, username or email.
        if User.objects.filter(national_id=r.national_id).exists():
            raise _fail(AccountErrorCode.ALREADY_REGISTERED) from None
        if username_taken(r.username):
            raise _fail(AccountErrorCode.USERNAME_TAKEN) from None
        raise _fail(AccountErrorCode.EMAIL_TAKEN) from None
    return user


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


def code_send(
    *, user: User, purpose: CodePurpose, attempt: str, request: HttpRequest | None = None
) -> OneTimeCode:
    """Send a fresh six-digit code to the user's mobile; earlier codes stop working.

    Raises ``AccountError`` (too soon after the last code, or too many in an
    hour). Side effect: an SMS after commit, in the user's language.
    """
    now = timezone.now()
    with transaction.atomic():
        # Lock the user row so two quick requests cannot both pass the limits.
        User.objects.select_for_update().filter(pk=user.pk).first()
        recent = OneTimeCode.objects.filter(
            user=user, purpose=purpose, created_at__gte=now - timedelta(hours=1)
        )
        last = recent.order_by("-created_at").first()
        if last and (now - last.created_at).total_seconds() < settings.MUSANED_CODE_RESEND_SECONDS:
            raise _fail(AccountErrorCode.CODE_TOO_SOON)
        if recent.count() >= settings.MUSANED_CODES_PER_HOUR:
            raise _fail(AccountErrorCode.CODE_TOO_MANY)
        OneTimeCode.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(
            expires_at=now
        )
        code = f"{secrets.randbelow(1_000_000):06d}"
        otc = OneTimeCode.objects.create(
            user=user,
            purpose=purpose,
            attempt=attempt,
            code_hash=hash_code(code),
            expires_at=now + timedelta(seconds=settings.MUSANED_CODE_TTL_SECONDS),
        )
        audit("code.sent", actor=user, target=user, request=request, purpose=purpose)
        with translation.override(user.preferred_language):
            body = gettext(_CODE_TEXT[purpose]) % {"code": code}
        mobile = user.mobile
        transaction.on_commit(lambda: send_sms(mobile, body))
    return otc


def code_verify(*, user: User, purpose: CodePurpose, attempt: str, code: str, request=None) -> None:
    """Use up the code if it is right. Raises ``AccountError`` otherwise.

    A wrong try is counted; after ``MUSANED_CODE_MAX_ATTEMPTS`` the code dies.
    """
    code = "".join(code.split())
    with transaction.atomic():
        otc = (
            OneTimeCode.objects.select_for_update()
            .filter(user=user, purpose=purpose, attempt=attempt, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
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
            request=request,
            purpose=purpose,
        )
    if error is not None:
        raise _fail(error)


def account_activate(*, user: User, attempt: str, code: str, request: HttpRequest) -> User:
    """The activation code proves the mobile; the account becomes usable."""
    code_verify(
        user=user, purpose=CodePurpose.ACTIVATION, attempt=attempt, code=code, request=request
    )
    with transaction.atomic():
        user.activated_at = timezone.now()
        user.save(update_fields=["activated_at"])
        audit("account.activated", actor=user, target=user, request=request)
    return user


def login_complete(*, user: User, attempt: str, code: str, request: HttpRequest) -> User:
    """Second factor: the sign-in code. Then Django's login (which rotates the session key)."""
    code_verify(user=user, purpose=CodePurpose.LOGIN, attempt=attempt, code=code, request=request)
    django_login(request, user, backend="musaned.accounts.backends.UsernameOrNationalIdBackend")
    request.session["signed_in_at"] = int(time.time())
    with transaction.atomic():
        audit("login.succeeded", actor=user, target=user, request=request)
    return user


def password_reset_complete(
    *, user: User, attempt: str, code: str, new_password: str, request: HttpRequest
) -> User:
    """Set a new password after the reset code; every existing session of the user ends."""
    code_verify(
        user=user, purpose=CodePurpose.PASSWORD_RESET, attempt=attempt, code=code, request=request
    )
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit("password.reset", actor=user, target=user, request=request)
    return user


def password_change(*, user: User, new_password: str, request: HttpRequest) -> User:
    """Change the password; other sessions end, this one stays signed in."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit("password.changed", actor=user, target=user, request=request)
    update_session_auth_hash(request, user)
    return user
