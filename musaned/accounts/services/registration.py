"""Registration: the wizard's checks, the activation code, and the account made when that
code comes back (docs/decisions/0010-accounts-made-when-the-mobile-is-proven.md)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from musaned.accounts.errors import AccountErrorCode, account_error
from musaned.accounts.models import CodePurpose, OneTimeCode, User
from musaned.accounts.selectors import email_taken, username_taken
from musaned.accounts.services.codes import CODE_TEXT, code_issue, code_verify, code_verify_then
from musaned.core.audit import audit
from musaned.identity.registry import get_registry, match_person
from musaned.identity.saudi_id import SaudiId, mask_id


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
                return r.mobile, str(CODE_TEXT[CodePurpose.ACTIVATION]) % {"code": code}
        with translation.override(existing.preferred_language):
            return existing.mobile, str(ALREADY_REGISTERED_SMS) % {
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

    return code_issue(
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

    return code_verify_then(
        mobile=r.mobile,
        purpose=CodePurpose.ACTIVATION,
        attempt=attempt,
        code=code,
        on_match=create,
    )


def account_activate(*, user: User, attempt: str, code: str) -> User:
    """The activation code proves the mobile of an account made without one (an account
    from before registrations were made active, or one an administrator made)."""
    code_verify(user=user, purpose=CodePurpose.ACTIVATION, attempt=attempt, code=code)
    with transaction.atomic():
        user.activated_at = timezone.now()
        user.save(update_fields=["activated_at"])
        audit("account.activated", actor=user, target=user)
    return user
