"""The accounts app's error codes and their messages: the shape every app follows
(``musaned/core/errors.py`` says it). Codes never change; messages are translated."""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from musaned.core.errors import ApplicationError, Messages, coded_error


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
    """Any refusal of the accounts app (registration, codes, sign-in)."""


MESSAGES: Messages[AccountErrorCode] = {
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


def account_error(code: AccountErrorCode, **values: object) -> AccountError:
    """The refusal ``code``, with its message: ``raise account_error(AccountErrorCode.…)``."""
    return coded_error(AccountError, code, MESSAGES, **values)
