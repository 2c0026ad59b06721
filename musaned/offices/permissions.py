"""The offices' named permissions, spelled once (the staff-roles data migration keeps its
own literal: a migration must not change when the code does).

- ``REGISTER``: add offices, renew licences, name an office's manager;
- ``SANCTION``: record warnings and penalty points, suspend, reinstate, withdraw a licence;
- ``CEILINGS``: add price ceilings and VAT rates.

The "licensing officer" group (``migrations/0003_staff_roles.py``) holds all three.
"""

from musaned.accounts.models import User

REGISTER = "offices.register_office"
SANCTION = "offices.sanction_office"
CEILINGS = "offices.set_price_ceiling"
LICENSING = (REGISTER, SANCTION, CEILINGS)


def holds(user: User | None, permission: str) -> bool:
    """An active staff member holding ``permission``."""
    return bool(user is not None and user.is_active and user.is_staff and user.has_perm(permission))


def is_licensing_officer(user: User | None) -> bool:
    return any(holds(user, permission) for permission in LICENSING)
