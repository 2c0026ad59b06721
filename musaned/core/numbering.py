"""Numbers people read: request, visa, issued and bill numbers.

Random digits (from ``secrets``) ending in a Luhn check digit, so a typo is
caught and nobody can guess a neighbour's number by counting. Uniqueness is the
database's job (a unique constraint); ``unique_number`` retries on a clash.
"""

import secrets
from collections.abc import Callable

from musaned.core.digits import luhn_ok


def luhn_check_digit(body: str) -> str:
    for digit in "0123456789":
        if luhn_ok(body + digit):
            return digit
    raise AssertionError("unreachable: one digit always completes a Luhn number")


def random_number(length: int, *, prefix: str = "") -> str:
    """``length`` digits in all, starting with ``prefix``, the last a check digit."""
    body_length = length - len(prefix) - 1
    first = str(secrets.randbelow(9) + 1) if not prefix else ""
    rest = "".join(str(secrets.randbelow(10)) for _ in range(body_length - len(first)))
    body = prefix + first + rest
    return body + luhn_check_digit(body)


def unique_number(length: int, exists: Callable[[str], bool], *, prefix: str = "") -> str:
    for _attempt in range(20):
        number = random_number(length, prefix=prefix)
        if not exists(number):
            return number
    raise RuntimeError("could not find a free number; widen the number length")
