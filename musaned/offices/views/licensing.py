"""The licensing officers' pages (``/licensing/``): the register, adding an office, one
office with its decisions and history and the actions its state allows, the price
ceilings and the VAT rate. Staff only (``access.licensing_required``); every action
names the permission it needs, and the workflow checks it again."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.core.errors import ApplicationError, NotFound
from musaned.core.workflow import Text
from musaned.offices import permissions, selectors, services
from musaned.offices.access import licensing_required
from musaned.offices.ceilings import percent, vat_rate_on
from musaned.offices.forms import (
    CeilingForm,
    ManagerInviteForm,
    OfficeActionForm,
    OfficeRegisterForm,
    VatForm,
)
from musaned.offices.models import OfficeState
from musaned.offices.views import add_errors
from musaned.offices.workflow import officer_actions_for, officer_row

PER_PAGE = 25


def _office(request, uid):
    try:
        return selectors.office_for_officer(actor=request.user, uid=uid)
    except NotFound:
        raise Http404 from None


@require_safe
@licensing_required()
def register(request):
    state = request.GET.get("state", "")
    search = request.GET.get("q", "")[:100]
    offices = selectors.offices_for_officer(actor=request.user, state=state, search=search)
    page = Paginator(offices, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "offices/licensing/register.html",
        {
            "page": page,
            "states": OfficeState.choices,
            "state": state if state in OfficeState.values else "",
            "search": search,
            "section": "register",
            "can_register": request.user.has_perm(permissions.REGISTER),
        },
    )


@require_http_methods(["GET", "POST"])
@licensing_required(permissions.REGISTER)
def office_new(request):
    form = OfficeRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            office = services.office_register(actor=request.user, **data)
        except ApplicationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The office is registered and listed. Its manager accepts the invitation "
                    "after signing in to Musaned."
                ),
            )
            return redirect("offices:licensing_office", uid=office.uid)
    return render(
        request, "offices/licensing/office_new.html", {"form": form, "section": "register"}
    )


def _detail(request, office, *, forms=None, manager_form=None, status=200):
    forms = forms or {}
    actions = [
        {"row": row, "form": forms.get(row.action) or OfficeActionForm(row=row)}
        for row in officer_actions_for(office, request.user)
    ]
    return render(
        request,
        "offices/licensing/office.html",
        {
            "office": office,
            "section": "register",
            "actions": actions,
            "members": selectors.members_of_office(office=office),
            "invitations": selectors.invitations_of_office(office=office),
            "decisions": selectors.sanctions_for_office(office=office).select_related("decided_by"),
            "history": selectors.history(office=office, for_staff=True),
            "manager_form": (manager_form or ManagerInviteForm())
            if request.user.has_perm(permissions.REGISTER) and office.state != OfficeState.WITHDRAWN
            else None,
            "nationalities": office.nationalities.all(),
            "occupations": office.occupations.all(),
        },
        status=status,
    )


@require_safe
@licensing_required()
def office_detail(request, uid):
    return _detail(request, _office(request, uid))


@require_POST
@licensing_required()
def office_act(request, uid):
    office = _office(request, uid)
    action = request.POST.get("action", "")
    row = officer_row(action)
    if row is None:
        raise Http404
    form = OfficeActionForm(request.POST, row=row)
    if form.is_valid():
        try:
            services.office_act(
                office=office,
                action=action,
                actor=request.user,
                reason=form.cleaned_data.get("reason", ""),
                **form.payload(),
            )
        except ApplicationError as error:
            if error.fields:
                add_errors(form, error)
            else:
                messages.error(request, str(error.message))
                return redirect("offices:licensing_office", uid=office.uid)
        else:
            done: Text = row.done
            messages.success(request, str(done))
            return redirect("offices:licensing_office", uid=office.uid)
    return _detail(request, office, forms={action: form})


@require_POST
@licensing_required(permissions.REGISTER)
def manager_invite(request, uid):
    office = _office(request, uid)
    form = ManagerInviteForm(request.POST)
    if form.is_valid():
        try:
            services.office_invite_manager(
                actor=request.user, office=office, national_id=form.cleaned_data["national_id"]
            )
        except ApplicationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("The invitation is sent; the present manager stays until it is accepted."),
            )
            return redirect("offices:licensing_office", uid=office.uid)
    return _detail(request, office, manager_form=form)


@require_safe
@licensing_required()
def ceilings(request):
    vat = vat_rate_on()
    return render(
        request,
        "offices/licensing/ceilings.html",
        {
            "ceilings": selectors.ceilings_for_officer(actor=request.user),
            "vat_rates": selectors.vat_rates(),
            "vat_percent": percent(vat),
            "section": "ceilings",
            "can_set": request.user.has_perm(permissions.CEILINGS),
        },
    )


@require_http_methods(["GET", "POST"])
@licensing_required(permissions.CEILINGS)
def ceiling_new(request):
    form = CeilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ceiling = services.price_ceiling_add(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_errors(form, error)
        else:
            if ceiling.applied_at:
                messages.success(
                    request,
                    _(
                        "The ceiling is in force. Prices above it are suspended and their "
                        "offices were told."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "The ceiling is added. On the day it takes effect, prices above it are suspended."
                    ),
                )
            return redirect("offices:licensing_ceilings")
    return render(
        request, "offices/licensing/ceiling_new.html", {"form": form, "section": "ceilings"}
    )


@require_http_methods(["GET", "POST"])
@licensing_required(permissions.CEILINGS)
def vat_new(request):
    form = VatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        rate = data.pop("percent") / 100
        try:
            services.vat_rate_add(actor=request.user, rate=rate, **data)
        except ApplicationError as error:
            if error.fields and "rate" in error.fields:
                error.fields["percent"] = error.fields.pop("rate")
            add_errors(form, error)
        else:
            messages.success(request, _("The VAT rate is added."))
            return redirect("offices:licensing_ceilings")
    return render(request, "offices/licensing/vat_new.html", {"form": form, "section": "ceilings"})
