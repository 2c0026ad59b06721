"""Sign in with a username or an ID number (typed in any digit script)."""

import re
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from musaned.accounts.models import User
from musaned.identity.saudi_id import normalize_digits

_TEN_DIGITS = re.compile(r"[0-9]{10}")


def find_account(identifier: str) -> User | None:
    """The user an identifier names, or None. IDs are normalised before the lookup."""
    identifier = (identifier or "").strip()
    digits = normalize_digits(identifier)
    if _TEN_DIGITS.fullmatch(digits):
        return User.objects.filter(national_id=digits).first()
    return User.objects.filter(username__iexact=identifier).first()


def axes_account_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """One lockout counter per account, whether it was named by username or by ID.

    Unknown identifiers get a counter of their own, so the answer looks the
    same whether or not the account exists.
    """
    identifier = (credentials or {}).get("username", "") or ""
    user = find_account(identifier)
    if user is not None:
        return f"user:{user.pk}"
    return f"unknown:{normalize_digits(identifier.strip()).casefold()}"


class UsernameOrNationalIdBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None or password is None:
            return None
        user = find_account(username)
        if user is None:
            # Spend the same time as a real check so timing says nothing.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
