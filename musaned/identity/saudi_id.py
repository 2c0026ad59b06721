"""Saudi national ID and iqama numbers.

Ten ASCII digits; the first says who holds it (1 = citizen, 2 = resident);
the last is a Luhn check digit over all ten. People may type Arabic-Indic
(٠١٢٣٤٥٦٧٨٩) or Persian (۰۱۲۳۴۵۶۷۸۹) digits: they are turned into ASCII
before anything is checked or stored, so nobody can register twice by
switching digit scripts. Validation uses ``[0-9]``, never ``\\d``.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# The digit helpers live in core (below every app); the ID rules use them, and callers
# may keep importing them from here.
from musaned.core.digits import luhn_ok, mask_id, normalize_digits
from musaned.identity.errors import IdentityErrorCode, identity_error

__all__ = ["IdType", "SaudiId", "luhn_ok", "mask_id", "normalize_digits", "validate_saudi_id"]

_TEN_DIGITS = re.compile(r"[0-9]{10}")


class IdType(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    RESIDENT = "resident", _("Resident")


_PREFIX_TO_TYPE = {"1": IdType.CITIZEN, "2": IdType.RESIDENT}


@dataclass(frozen=True, slots=True)
class SaudiId:
    """A valid ID number. Build one with ``SaudiId.parse``."""

    value: str

    @classmethod
    def parse(cls, raw: str) -> "SaudiId":
        """Normalise and validate; raises ``ValidationError`` with a translated message."""
        digits = normalize_digits(str(raw))
        if not _TEN_DIGITS.fullmatch(digits):
            raise identity_error(IdentityErrorCode.ID_LENGTH)
        if digits[0] not in _PREFIX_TO_TYPE:
            raise identity_error(IdentityErrorCode.ID_PREFIX)
        if not luhn_ok(digits):
            raise identity_error(IdentityErrorCode.ID_CHECKSUM)
        return cls(digits)

    @property
    def id_type(self) -> IdType:
        return _PREFIX_TO_TYPE[self.value[0]]

    @property
    def masked(self) -> str:
        return mask_id(self.value)

    def __str__(self) -> str:
        return self.value


def validate_saudi_id(value: str) -> None:
    """Model-field validator: the stored value must already be normalised."""
    SaudiId.parse(value)
    if value != normalize_digits(value):
        raise identity_error(IdentityErrorCode.ID_NOT_NORMALISED)
