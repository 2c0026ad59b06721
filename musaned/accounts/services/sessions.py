"""Signing in (the second factor, then Django's login) and out, and the audit rows of
refused sign-ins. ``request`` is taken only where the session changes."""

import time

from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.db import transaction
from django.http import HttpRequest

from musaned.accounts.backends import find_account
from musaned.accounts.models import CodePurpose, User
from musaned.accounts.services.codes import code_verify
from musaned.core.audit import audit
from musaned.identity.saudi_id import mask_id, normalize_digits


def _masked_identifier(identifier: str) -> str:
    """What the audit keeps of a typed username or ID: an ID masked (``1*******08``)."""
    return mask_id(normalize_digits(identifier.strip()))


def login_failure_record(*, identifier: str) -> None:
    """A wrong username, ID or password (``login.failed``): the account it names is the
    actor when there is one; the identifier is kept masked, the password never."""
    with transaction.atomic():
        audit(
            "login.failed",
            actor=find_account(identifier),
            identifier=_masked_identifier(identifier),
        )


def login_lockout_record(*, identifier: str) -> None:
    """A sign-in refused because the account is locked for this client (``login.locked_out``)."""
    with transaction.atomic():
        audit("login.locked_out", identifier=_masked_identifier(identifier))


def login_client_pause_record() -> None:
    """This client reached ``MUSANED_LOGIN_FAILURES_PER_CLIENT`` failures whatever the
    account (password spraying): ``login.client_paused``, with the client's address."""
    with transaction.atomic():
        audit("login.client_paused")


def login_complete(*, user: User, attempt: str, code: str, request: HttpRequest) -> User:
    """Second factor: the sign-in code. Then Django's login (which rotates the session
    key); ``request`` is for the session, not for the audit."""
    code_verify(user=user, purpose=CodePurpose.LOGIN, attempt=attempt, code=code)
    django_login(request, user, backend="musaned.accounts.backends.UsernameOrNationalIdBackend")
    request.session["signed_in_at"] = int(time.time())
    with transaction.atomic():
        audit("login.succeeded", actor=user, target=user)
    return user


def account_logout(*, actor: User, request: HttpRequest) -> None:
    """Sign out: the audit row (``logout``), then Django's logout, which deletes the
    session on the server. ``request`` is for the session."""
    with transaction.atomic():
        audit("logout", actor=actor, target=actor)
    django_logout(request)
