"""Saudi mobile numbers: typed as 05XXXXXXXX or +9665XXXXXXXX, stored in E.164."""

import phonenumbers

from musaned.identity.errors import IdentityErrorCode, identity_error
from musaned.identity.saudi_id import mask_id, normalize_digits


def parse_saudi_mobile(raw: str) -> str:
    """Returns ``+9665XXXXXXXX``; raises ``ValidationError`` with a translated message."""
    digits = normalize_digits(str(raw)).replace("(", "").replace(")", "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    invalid = identity_error(IdentityErrorCode.MOBILE_INVALID)
    try:
        number = phonenumbers.parse(digits, "SA")
    except phonenumbers.NumberParseException:
        raise invalid from None
    national = str(number.national_number)
    if (
        number.country_code != 966
        or not national.startswith("5")
        or len(national) != 9
        or not phonenumbers.is_valid_number(number)
    ):
        raise invalid
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_mobile(e164: str) -> str:
    """``+966512345678`` → ``0512345678`` (how Saudis write it)."""
    return "0" + e164[4:] if e164.startswith("+966") else e164


def mask_mobile(e164: str) -> str:
    return mask_id(display_mobile(e164))
