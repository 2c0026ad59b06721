"""The complaints' named permissions, spelled once (the staff-roles data migration keeps
its own literal: a migration must not change when the code does).

- ``HANDLE``: a complaints officer's: take, answer, ask for information, resolve,
  reject, write internal notes.
- ``SUPERVISE``: a supervisor's: escalated complaints, reassigning, acting on a
  complaint another officer holds, the statistics and the audit trails.
"""

from django.db.models import QuerySet

from musaned.accounts.models import User

HANDLE = "complaints.handle_complaint"
SUPERVISE = "complaints.supervise_complaint"

# ``with_perm`` needs one backend named when several are configured.
_BACKEND = "musaned.accounts.backends.UsernameOrNationalIdBackend"


def staff_holding(permission: str) -> QuerySet[User]:
    """Active staff who hold ``permission`` (through a group, their own, or superuser)."""
    users = User.objects.with_perm(permission, backend=_BACKEND)
    return users.filter(is_active=True, is_staff=True)


def officers() -> QuerySet[User]:
    """The staff a complaint may be given to, by name."""
    return staff_holding(HANDLE).order_by("first_name", "username")


def supervisors() -> QuerySet[User]:
    """The staff told when a complaint is escalated."""
    return staff_holding(SUPERVISE)


def handles_complaints(user: User | None) -> bool:
    return user is not None and user.is_active and user.is_staff and user.has_perm(HANDLE)
