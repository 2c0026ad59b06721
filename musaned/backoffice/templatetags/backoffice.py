"""Template filters of the back office."""

from typing import Any

from django import template

from musaned.backoffice.selectors import CONTRACT_STAGES, DECIDE, VIEW_CONTRACTS
from musaned.complaints.permissions import HANDLE, SUPERVISE
from musaned.complaints.workflow import STAFF_STATE_LABELS

register = template.Library()


@register.filter
def staff_state(state: str) -> str:
    """A complaint's state as staff read it ("Waiting for the beneficiary", where the
    beneficiary reads "Waiting for you")."""
    return str(STAFF_STATE_LABELS.get(state, state))


@register.filter
def contract_stage(state: str) -> str:
    """A contract's stage as staff read it ("Signed by the beneficiary", where the
    beneficiary reads "Signed by you")."""
    return str(CONTRACT_STAGES.get(state, state))


@register.simple_tag(takes_context=True)
def staff_may(context: dict[str, Any]) -> dict[str, bool]:
    """What the signed-in staff member may open (``{% staff_may as may %}``, then
    ``may.handle``, ``may.supervise``, ``may.decide``, ``may.contracts``), so that templates do not spell
    the permissions' names."""
    user = context["request"].user
    return {
        "handle": user.has_perm(HANDLE),
        "supervise": user.has_perm(SUPERVISE),
        "decide": user.has_perm(DECIDE),
        "contracts": user.has_perm(VIEW_CONTRACTS),
    }
