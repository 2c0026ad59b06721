"""The office portal (``/office/``): the member's own office only — its profile, price
list, team and figures, and its history. Every view gets the member's membership from
``access.office_member_required``; a price, member or invitation of another office is
the same 404 as one that does not exist.

Complaints about the office are the complaints app's pages (offices never import it):
it registers the section through ``sources.use_complaints(..., portal_section=…)`` and
renders its pages in the portal with ``portal_context``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.core.errors import ApplicationError, NotFound
from musaned.offices import scorecard, selectors, services, sources
from musaned.offices.access import SECOND_FACTOR_KEY, office_member_required, sign_in_again
from musaned.offices.ceilings import ceilings_on, percent, vat_rate_on
from musaned.offices.forms import EmployeeInviteForm, PriceForm, ProfileForm
from musaned.offices.models import OfficeState, PriceCeiling
from musaned.offices.views import add_errors
from musaned.offices.workflow import Action, is_manager


def portal_context(membership, section: str, **extra):
    """What every portal page shows around its own content (the office, the menu)."""
    return {
        "membership": membership,
        "office": membership.office,
        "section": section,
        "extra_sections": sources.portal_sections(),
        "closed": membership.office.state == OfficeState.WITHDRAWN,
        **extra,
    }


def _get(reader, **kwargs):
    try:
        return reader(**kwargs)
    except NotFound:
        raise Http404 from None


@require_safe
@office_member_required
def home(request, membership):
    office = membership.office
    period = scorecard.last_twelve_months()
    annotated = selectors.public_office(uid=office.uid, period=period)
    prices = selectors.price_lines(office=office, offered_only=False)
    return render(
        request,
        "offices/portal/home.html",
        portal_context(
            membership,
            "home",
            figures=scorecard.figures(annotated, period),
            period=period,
            suspended_prices=[p for p in prices if p.state == "suspended"],
            offered=sum(1 for p in prices if p.state == "active"),
            decisions=selectors.sanctions_for_office(office=office)[:10],
        ),
    )


@require_http_methods(["GET", "POST"])
@office_member_required
def profile(request, membership):
    office = membership.office
    manager = membership.is_manager and office.state != OfficeState.WITHDRAWN
    initial = {
        "phone": office.phone,
        "email": office.email,
        "address": office.address,
        "nationalities": list(office.nationalities.all()),
        "occupations": list(office.occupations.all()),
    }
    form = ProfileForm(initial=initial) if manager else None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.office_act(
                    office=office,
                    action=Action.UPDATE_PROFILE,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except ApplicationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("offices:portal_profile")
    return render(
        request,
        "offices/portal/profile.html",
        portal_context(
            membership,
            "profile",
            form=form,
            nationalities=office.nationalities.all(),
            occupations=office.occupations.all(),
        ),
    )


def _prices_page(request, membership, form, status=200):
    office = membership.office
    vat = vat_rate_on()
    return render(
        request,
        "offices/portal/prices.html",
        portal_context(
            membership,
            "prices",
            prices=selectors.price_lines(office=office, offered_only=False, vat=vat),
            form=form,
            vat_percent=percent(vat),
            upcoming=_upcoming_ceilings(office),
        ),
        status=status,
    )


def _upcoming_ceilings(office):
    """Ceilings announced for a later date for what the office recruits (it may price
    above them until then; the prices above are suspended on that day)."""
    return (
        PriceCeiling.objects.filter(
            effective_from__gt=timezone.localdate(),
            nationality__in=office.nationalities.all(),
        )
        .select_related("nationality", "occupation")
        .order_by("effective_from")
    )


@require_http_methods(["GET", "POST"])
@office_member_required
def prices(request, membership):
    office = membership.office
    if request.method == "POST":
        if office.state == OfficeState.WITHDRAWN:
            raise Http404
        form = PriceForm(request.POST, office=office)
        if form.is_valid():
            data = form.cleaned_data
            try:
                _price, created = services.office_price_set(
                    actor=request.user,
                    office=office,
                    nationality=data["nationality"],
                    occupation=data["occupation"],
                    amount=data["amount"],
                    days_to_arrival=data["days_to_arrival"],
                )
            except ApplicationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("The price is added.") if created else _("The price is changed.")
                )
                return redirect("offices:portal_prices")
        return _prices_page(request, membership, form, status=200)
    blank = None if office.state == OfficeState.WITHDRAWN else PriceForm(office=office)
    return _prices_page(request, membership, blank)


@require_http_methods(["GET", "POST"])
@office_member_required
def price_edit(request, membership, uid):
    office = membership.office
    price = _get(selectors.price_of_office, office=office, uid=uid)
    initial = {
        "nationality": price.nationality,
        "occupation": price.occupation,
        "amount": price.amount,
        "days_to_arrival": price.days_to_arrival,
    }
    if request.method == "POST":
        if office.state == OfficeState.WITHDRAWN:
            raise Http404
        form = PriceForm(request.POST, office=office, fixed=True, initial=initial)
        if form.is_valid():
            try:
                services.office_price_set(
                    actor=request.user,
                    office=office,
                    nationality=price.nationality,
                    occupation=price.occupation,
                    amount=form.cleaned_data["amount"],
                    days_to_arrival=form.cleaned_data["days_to_arrival"],
                )
            except ApplicationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("The price is changed."))
                return redirect("offices:portal_prices")
    else:
        form = PriceForm(office=office, fixed=True, initial=initial)
    ceiling = ceilings_on().for_(price.nationality_id, price.occupation_id)
    return render(
        request,
        "offices/portal/price_edit.html",
        portal_context(membership, "prices", price=price, form=form, ceiling=ceiling),
    )


@require_POST
@office_member_required
def price_remove(request, membership, uid):
    price = _get(selectors.price_of_office, office=membership.office, uid=uid)
    try:
        services.office_price_remove(actor=request.user, price=price)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The price is removed."))
    return redirect("offices:portal_prices")


def _team_page(request, membership, form, status=200):
    office = membership.office
    manager = membership.is_manager
    return render(
        request,
        "offices/portal/team.html",
        portal_context(
            membership,
            "team",
            members=selectors.members_of_office(office=office),
            invitations=selectors.invitations_of_office(office=office) if manager else [],
            form=form,
            manager=manager,
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@office_member_required
def team(request, membership):
    office = membership.office
    can_invite = membership.is_manager and office.state != OfficeState.WITHDRAWN
    if request.method == "POST":
        if not can_invite:
            raise PermissionDenied
        form = EmployeeInviteForm(request.POST)
        if form.is_valid():
            try:
                services.office_invite_employee(
                    actor=request.user,
                    office=office,
                    national_id=form.cleaned_data["national_id"],
                    mobile=form.cleaned_data["mobile"],
                )
            except ApplicationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "The invitation is sent. The person accepts it after signing in to "
                        "Musaned with that ID number and mobile (or after registering)."
                    ),
                )
                return redirect("offices:portal_team")
        return _team_page(request, membership, form)
    return _team_page(request, membership, EmployeeInviteForm() if can_invite else None)


@require_POST
@office_member_required
def member_remove(request, membership, uid):
    member = _get(selectors.membership_of_office, office=membership.office, uid=uid)
    try:
        services.membership_end(actor=request.user, membership=member)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The employee is removed from the office."))
    return redirect("offices:portal_team")


@require_POST
@office_member_required
def invitation_revoke(request, membership, uid):
    invitation = _get(selectors.invitation_of_office, office=membership.office, uid=uid)
    if not is_manager(membership.office, request.user):
        raise PermissionDenied
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The invitation is taken back."))
    return redirect("offices:portal_team")


@require_safe
@office_member_required
def history(request, membership):
    return render(
        request,
        "offices/portal/history.html",
        portal_context(
            membership,
            "history",
            lines=selectors.history(office=membership.office, for_staff=False),
        ),
    )


# --- The invitee's own invitations (before they work for an office) ---------------------


def _invitee(request):
    """A signed-in person (with the SMS code) who has pending invitations, else 404."""
    user = request.user
    if not (user.is_authenticated and user.national_id):
        raise Http404
    invitations = list(selectors.invitations_for(actor=user))
    if not invitations:
        raise Http404
    return invitations


@require_safe
def invitations(request):
    found = _invitee(request)
    request.personal_page = True
    return render(
        request,
        "offices/invitations.html",
        {
            "invitations": found,
            "current": selectors.membership_for(actor=request.user),
            "second_factor": bool(request.session.get(SECOND_FACTOR_KEY)),
        },
    )


@require_POST
def invitation_answer(request, uid, answer):
    user = request.user
    if not (user.is_authenticated and user.national_id):
        raise Http404
    invitation = _get(selectors.invitation_for, actor=user, uid=uid)
    if not request.session.get(SECOND_FACTOR_KEY):
        return sign_in_again(request, _("Accepting needs the sign-in code. Log in again."))
    try:
        if answer == "accept":
            services.invitation_accept(actor=user, invitation=invitation)
        else:
            services.invitation_decline(actor=user, invitation=invitation)
    except NotFound:
        raise Http404 from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return (
            redirect("offices:invitations") if _has_invitations(user) else redirect("accounts:hub")
        )
    if answer == "accept":
        messages.success(
            request,
            _("You now work for %(office)s on Musaned.") % {"office": invitation.office.name},
        )
        return redirect("offices:portal")
    messages.success(request, _("The invitation is declined."))
    return redirect("offices:invitations") if _has_invitations(user) else redirect("accounts:hub")


def _has_invitations(user) -> bool:
    return selectors.invitations_for(actor=user).exists()
