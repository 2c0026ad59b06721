"""The e-services hub's office tiles: the office portal for people who work for an office,
their invitations for people invited, the licensing pages for licensing officers."""

from django import template

from musaned.offices import permissions, selectors
from musaned.offices.ceilings import amount_text

register = template.Library()


@register.filter
def sar(amount):
    """An amount of riyals as the platform writes it in both languages: ``9,085`` or
    ``10,752.50`` (Western digits, a comma between thousands, halalas when there are any),
    the same as in its messages."""
    return "" if amount is None else amount_text(amount)


@register.inclusion_tag("offices/hub_tiles.html")
def office_tiles(user):
    signed_in = getattr(user, "is_authenticated", False)
    return {
        "membership": selectors.membership_for(actor=user) if signed_in else None,
        "invited": signed_in and selectors.invitations_for(actor=user).exists(),
        "licensing": signed_in and permissions.is_licensing_officer(user),
    }


@register.filter
def local_phone(e164):
    """``+966112345678`` → ``0112345678`` (how numbers are written in the kingdom)."""
    value = str(e164 or "")
    return "0" + value[4:] if value.startswith("+966") else value
