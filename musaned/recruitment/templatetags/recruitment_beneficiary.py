"""The e-services hub's recruitment tiles for a beneficiary ("Recruit a worker", their
requests and contracts), and the days of a contract's clocks for its pages."""

from django import template

register = template.Library()


@register.inclusion_tag("recruitment/hub_tiles.html")
def recruitment_tiles(user):
    """Shown to a signed-in beneficiary (a person with an ID number), not to staff."""
    signed_in = getattr(user, "is_authenticated", False)
    return {"beneficiary": signed_in and bool(user.national_id) and not user.is_staff}


@register.filter
def clock_day(contract, today):
    """Days since the day of payment (day 0), or ``None`` before payment."""
    return contract.day_of_clock(today)


@register.filter
def trial_day(contract, today):
    """Days since the arrival date (day 0), or ``None`` before arrival."""
    return contract.day_of_trial(today)
