"""The identity values' refusals (an ID number, a Saudi mobile): the shape of
``musaned/core/errors.py``. They are form-field errors (``ValidationError`` with the
code), raised wherever the value is read: a form, the API, ``import_registry``."""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from musaned.core.errors import Messages, message_for


class IdentityErrorCode(StrEnum):
    ID_LENGTH = "length"
    ID_PREFIX = "prefix"
    ID_CHECKSUM = "checksum"
    ID_NOT_NORMALISED = "not_normalised"
    MOBILE_INVALID = "invalid"


MESSAGES: Messages[IdentityErrorCode] = {
    IdentityErrorCode.ID_LENGTH: _("An ID number has exactly 10 digits."),
    IdentityErrorCode.ID_PREFIX: _(
        "An ID number starts with 1 (national ID of a citizen) or 2 (iqama of a resident)."
    ),
    IdentityErrorCode.ID_CHECKSUM: _("This ID number is not valid. Please check each digit."),
    IdentityErrorCode.ID_NOT_NORMALISED: _("Store ID numbers in ASCII digits."),
    IdentityErrorCode.MOBILE_INVALID: _(
        "Enter a Saudi mobile number such as 0512345678 or +966512345678."
    ),
}


def identity_error(code: IdentityErrorCode, **values: object) -> ValidationError:
    """The refusal ``code`` as the form-field error it is, with its message."""
    return ValidationError(message_for(MESSAGES, code, **values), code=code.value)
