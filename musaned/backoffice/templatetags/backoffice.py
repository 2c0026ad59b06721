"""Template filters of the back office."""

from django import template

from musaned.complaints.workflow import STAFF_STATE_LABELS

register = template.Library()


@register.filter
def staff_state(state: str) -> str:
    """A complaint's state as staff read it ("Waiting for the beneficiary", where the
    beneficiary reads "Waiting for you")."""
    return str(STAFF_STATE_LABELS.get(state, state))
