"""Passwords: the reset by code (the same answer for an ID with an account and one
without), the change by the signed-in person, and the one an administrator sets."""

import contextlib

from django.contrib.auth import password_validation, update_session_auth_hash
from django.db import transaction
from django.http import HttpRequest

from musaned.accounts.backends import find_account
from musaned.accounts.errors import AccountError, AccountErrorCode, account_error
from musaned.accounts.models import CodePurpose, User
from musaned.accounts.services.codes import code_send_or_reuse, code_verify_then
from musaned.core.audit import audit
from musaned.identity.saudi_id import mask_id


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

    return code_verify_then(
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
