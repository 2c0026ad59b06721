"""Reads of accounts."""

from typing import Any

from musaned.accounts import personal_data
from musaned.accounts.models import User
from musaned.core.models import AuditEvent


def user_by_pk(pk: int | str | None) -> User | None:
    """The account a session points to (pending activation, sign-in or reset)."""
    if pk is None:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def username_taken(username: str) -> bool:
    """Whether an account has this username, whatever its case."""
    return User.objects.filter(username__iexact=username).exists()


def email_taken(email: str) -> bool:
    """Whether an account uses this email address, whatever its case."""
    return User.objects.filter(email__iexact=email).exists()


def personal_data_export(*, user: User) -> dict[str, Any]:
    """What the platform holds about a person (PDPL's right of access): the account, the
    audit events about it, then each section the apps above register
    (``musaned/accounts/personal_data.py``: visa applications, office memberships,
    recruitment requests and contracts, complaints), in a stable order."""
    events = AuditEvent.objects.filter(target_type="accounts.user", target_id=str(user.pk))
    export: dict[str, Any] = {
        "account": {
            "username": user.username,
            "national_id": user.national_id,
            "id_type": user.id_type,
            "first_name": user.first_name,
            "family_name": user.last_name,
            "birth_date": user.birth_date.isoformat() if user.birth_date else None,
            "email": user.email,
            "mobile": user.mobile,
            "preferred_language": user.preferred_language,
            "created_at": user.date_joined.isoformat(),
            "activated_at": user.activated_at.isoformat() if user.activated_at else None,
            "privacy_notice_version": user.privacy_notice_version,
            "privacy_consent_at": (
                user.privacy_consent_at.isoformat() if user.privacy_consent_at else None
            ),
        },
        "activity": [
            {"time": e.created_at.isoformat(), "action": e.action, "details": e.data}
            for e in events.order_by("created_at")[:1000]
        ],
    }
    for section, reader in personal_data.sections():
        export[section] = reader(user)
    return export
