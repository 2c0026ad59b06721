"""Every write to accounts: registration, activation, one-time codes, sign-in, passwords.

Each function runs in one transaction, writes its audit event inside it, and
sends SMS only after the transaction commits. Nothing here tells a stranger whether
an ID number has an account (docs/decisions/0010-accounts-made-when-the-mobile-is-proven.md).
The package's modules: ``registration``, ``codes``, ``sessions``, ``passwords``; callers
import from here.
"""

from musaned.accounts.services.codes import (
    code_send,
    code_send_or_reuse,
    code_verify,
    new_attempt,
)
from musaned.accounts.services.passwords import (
    password_change,
    password_reset_complete,
    password_reset_request,
    password_set_by_staff,
)
from musaned.accounts.services.registration import (
    ALREADY_REGISTERED_SMS,
    Registration,
    account_activate,
    beneficiary_register,
    registration_check_identity,
    registration_check_mobile,
    registration_code_send,
)
from musaned.accounts.services.sessions import (
    account_logout,
    login_client_pause_record,
    login_complete,
    login_failure_record,
    login_lockout_record,
)

__all__ = [
    "ALREADY_REGISTERED_SMS",
    "Registration",
    "account_activate",
    "account_logout",
    "beneficiary_register",
    "code_send",
    "code_send_or_reuse",
    "code_verify",
    "login_client_pause_record",
    "login_complete",
    "login_failure_record",
    "login_lockout_record",
    "new_attempt",
    "password_change",
    "password_reset_complete",
    "password_reset_request",
    "password_set_by_staff",
    "registration_check_identity",
    "registration_check_mobile",
    "registration_code_send",
]
