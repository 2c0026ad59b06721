"""Every write of the offices app (docs/offices.md): the register and its workflow
(``register``), the people who work for an office (``members``), prices, ceilings and
VAT (``prices``). Each is keyword-only, takes the acting user, runs in one transaction
and writes its audit row inside it."""

from musaned.offices.services.members import (
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    membership_end,
    office_invite_employee,
    office_invite_manager,
)
from musaned.offices.services.prices import (
    office_price_remove,
    office_price_set,
    price_ceiling_add,
    price_ceiling_apply,
    price_ceilings_apply,
    vat_rate_add,
)
from musaned.offices.services.register import office_act, office_register, offices_expire

__all__ = [
    "invitation_accept",
    "invitation_decline",
    "invitation_revoke",
    "membership_end",
    "office_act",
    "office_invite_employee",
    "office_invite_manager",
    "office_price_remove",
    "office_price_set",
    "office_register",
    "offices_expire",
    "price_ceiling_add",
    "price_ceiling_apply",
    "price_ceilings_apply",
    "vat_rate_add",
]
