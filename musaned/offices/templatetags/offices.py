"""The e-services hub's office tiles: the office portal for people who work for an office,
their invitations for people invited, the licensing pages for licensing officers."""

from django import template

from musaned.offices import permissions, selectors

register = template.Library()


@register.inclusion_tag("offices/hub_tiles.html")
def office_tiles(user):
    signed_in = getattr(user, "is_authenticated", False)
    return {
        "membership": selectors.membership_for(actor=user) if signed_in else None,
        "invited": signed_in and selectors.invitations_for(actor=user).exists(),
        "licensing": signed_in and permissions.is_licensing_officer(user),
    }
