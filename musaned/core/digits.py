"""Digits as people type them, and as logs and screens may show them.

People may type Arabic-Indic (٠١٢٣٤٥٦٧٨٩) or Persian (۰۱۲۳۴۵۶۷۸۹) digits: they become
ASCII before anything is checked or stored. Validation uses ``[0-9]``, never ``\\d``
(which accepts every script). The Saudi ID rules built on these are in
``musaned/identity/saudi_id.py``.
"""

import re

_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def normalize_digits(value: str) -> str:
    """Arabic-Indic and Persian digits to ASCII; spaces and dashes people type removed."""
    return re.sub(r"[\s\u200e\u200f\-]", "", value.translate(_TO_ASCII))


def luhn_ok(digits: str) -> bool:
    """The Luhn check over every digit (the last one is the check digit)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def mask_id(value: str) -> str:
    """``1000000008`` → ``1*******08``: safe for logs, audit rows and screens."""
    if len(value) < 4:
        return "*" * len(value)
    return f"{value[0]}{'*' * (len(value) - 3)}{value[-2:]}"
