"""The beneficiary's pages of the recruitment journey, before the contract
(docs/recruitment.md, "For the beneficiary"): "Recruit a worker" (the wishes, then the
offices with their price and scorecard), "My recruitment requests", a request's page
(its clock, the offices' answers, the offers side by side with the workers' photos),
accepting an offer, declining them all, cancelling the request.

Every read goes through a selector scoped to the signed-in person (anyone else's request
or offer is the same 404), every write through one service; a refusal comes back on the
page (400) with what was typed kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.core import timeline
from musaned.core.errors import ApplicationError, NotFound, OutsideSystemUnavailable
from musaned.core.uploads import download_response
from musaned.identity.registry import get_registry
from musaned.identity.saudi_id import IdType
from musaned.offices import scorecard
from musaned.offices.ceilings import money, percent, vat_rate_on, with_vat
from musaned.recruitment import selectors
from musaned.recruitment.forms.beneficiary import DeclineForm, OfficeChoiceForm, WishForm
from musaned.recruitment.models import (
    MAX_OFFICES,
    Language,
    MaritalStatus,
    Offer,
    OfferState,
    RecruitmentRequest,
    Religion,
    RequestState,
    choice_label,
)
from musaned.recruitment.services import offers as offer_services
from musaned.recruitment.services import requests as request_services
from musaned.recruitment.workflow.request import REQUEST_MACHINE, Action
from musaned.visas.forms import ConfirmForm
from musaned.visas.models import VisaState

PER_PAGE = 20
MADE_KEY = "recruitment_request_made"  # the session's note of the request just made
# The scorecard figures an office's card shows when choosing (the median needs a query per
# office: it is on the office's own page).
CARD_FIGURES = ("rating", "on-time", "complaints-per-100-contracts", "penalty-points")
PHOTO_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def add_errors(form, error: ApplicationError) -> bool:
    """An error beside the field of ``form`` it names, else at the top of the form; what
    was typed stays. Returns whether it went beside a field."""
    placed = False
    for name, problems in (error.fields or {}).items():
        if name in form.fields:
            for problem in problems:
                form.add_error(name, str(problem))
            placed = True
    if not placed:
        form.add_error(None, str(error.message))
    return placed


def _names_a_field(error: ApplicationError, form) -> bool:
    return any(name in form.fields for name in (error.fields or {}))


def _request_of(request, uid) -> RecruitmentRequest:
    try:
        return selectors.request_get_for(actor=request.user, uid=uid)
    except NotFound:
        raise Http404 from None


def _offer_of(request, found: RecruitmentRequest, offer_uid) -> Offer:
    try:
        return selectors.offer_get_for_owner(actor=request.user, request=found, uid=offer_uid)
    except NotFound:
        raise Http404 from None


# --- "Recruit a worker" ---------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """What the registry says that this page needs (``None`` fields: it could not say)."""

    disability_exemption: bool = False
    resident_nationality: str | None = None


def _person(user) -> Person:
    """A registered disability exemption keeps its own visa path (said before anything is
    typed); a resident's nationality is refused for the worker, as in the visa's step."""
    if not user.national_id:
        return Person()
    try:
        record = get_registry().lookup(user.national_id)
    except OutsideSystemUnavailable:
        return Person()  # the service asks again, and refuses then if it must
    if record is None:
        return Person()
    return Person(
        disability_exemption=record.disability_exemption,
        resident_nationality=record.nationality if user.id_type == IdType.RESIDENT else None,
    )


def _wishes_page(request, form, *, status: int = 200):
    return render(
        request,
        "recruitment/new.html",
        {"form": form, "max_offices": MAX_OFFICES},
        status=status,
    )


def _office_cards(page, *, vat, period, chosen: set[str]) -> list[dict[str, Any]]:
    cards = []
    for office in page.object_list:
        figures = scorecard.figures(office, period, with_median=False)
        price = money(office.listed_price)
        cards.append(
            {
                "office": office,
                "price": price,
                "price_with_vat": with_vat(price, vat) if price is not None else None,
                "days": office.listed_days,
                "figures": [f for f in figures if f.key in CARD_FIGURES],
                "checked": str(office.uid) in chosen,
            }
        )
    return cards


def _wish_summary(wishes: dict[str, Any]) -> list[tuple[str, str]]:
    """The wishes as the offices page repeats them, in the reader's language."""
    from musaned.visas.models import WorkerGender

    lines = [
        (_("Occupation"), wishes["occupation"].name),
        (_("Worker's nationality"), wishes["nationality"].name),
        (_("Worker's gender"), str(WorkerGender(wishes["worker_gender"]).label)),
    ]
    low, high = wishes["min_age"], wishes["max_age"]
    if low is not None or high is not None:
        lines.append((_("Age"), _("%(low)s to %(high)s") % {"low": low or 21, "high": high or 60}))
    if wishes["min_experience_years"] is not None:
        lines.append((_("Years of experience, at least"), str(wishes["min_experience_years"])))
    if wishes["languages"]:
        lines.append((_("Languages"), ", ".join(_language(code) for code in wishes["languages"])))
    if wishes["religion"]:
        lines.append((_("Religion"), str(Religion(wishes["religion"]).label)))
    return lines


@require_http_methods(["GET", "POST"])
def request_new(request):
    """Step 1 (GET, no wishes yet, or wishes that do not hold): the wishes. Step 2 (GET
    with the wishes): the offices recruiting that nationality and occupation now, each
    with its price with VAT and its scorecard; POST sends the request to the offices
    ticked (one, or up to three)."""
    person = _person(request.user)
    if person.disability_exemption:
        return render(request, "recruitment/new.html", {"disability_path": True})
    if "occupation" not in request.GET or "change" in request.GET:
        # The first step, empty, or filled in with the wishes sent ("Change your wishes").
        first = WishForm(
            initial=_initial(request.GET), owner_nationality=person.resident_nationality
        )
        return _wishes_page(request, first)
    wish_form = WishForm(request.GET, owner_nationality=person.resident_nationality)
    if not wish_form.is_valid():
        return _wishes_page(request, wish_form, status=400)
    wishes = wish_form.wishes()
    period = scorecard.last_twelve_months()
    offices = selectors.offices_to_choose(
        nationality=wishes["nationality"], occupation=wishes["occupation"], period=period
    )
    status = 200
    form: OfficeChoiceForm
    if request.method == "POST":
        form = OfficeChoiceForm(request.POST, offices=offices)
        if form.is_valid():
            try:
                made = request_services.request_make(
                    actor=request.user, offices=form.cleaned_data["offices"], **wishes
                )
            except ApplicationError as error:
                if _names_a_field(error, wish_form):
                    add_errors(wish_form, error)
                    return _wishes_page(request, wish_form, status=400)
                add_errors(form, error)
            else:
                request.session[MADE_KEY] = str(made.uid)
                return redirect("recruitment:request", uid=made.uid)
        status = 400
        chosen = form.chosen_uids()
    else:
        form = OfficeChoiceForm(offices=offices)
        chosen = set()
    page = Paginator(offices, PER_PAGE).get_page(request.GET.get("page"))
    vat = vat_rate_on()
    return render(
        request,
        "recruitment/offices.html",
        {
            "form": form,
            "page": page,
            "cards": _office_cards(page, vat=vat, period=period, chosen=chosen),
            "summary": _wish_summary(wishes),
            "change_url": f"{request.path}?{_wishes_query(request)}",
            "vat_percent": percent(vat),
            "period": period,
            "max_offices": MAX_OFFICES,
        },
        status=status,
    )


def _initial(query) -> dict[str, Any]:
    """The wishes in the query as a fresh form's values (nothing called an error yet)."""
    initial: dict[str, Any] = {}
    for name in WishForm.FIELDS:
        values = [value for value in query.getlist(name) if value]
        if values:
            initial[name] = values if name == "languages" else values[-1]
    return initial


def _wishes_query(request) -> str:
    """The wishes as sent, for "Change your wishes" (the first step, filled in)."""
    query = request.GET.copy()
    query.pop("page", None)
    query["change"] = "1"
    return query.urlencode()


# --- "My recruitment requests" and a request's page --------------------------------------


@require_safe
def request_list(request):
    page = Paginator(selectors.requests_for(actor=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "recruitment/requests.html", {"page": page})


def _language(code: str) -> str:
    return choice_label(Language, code)


@dataclass(frozen=True)
class OfferColumn:
    """One offer as the comparison shows it."""

    offer: Offer
    age: int
    languages: list[str]
    religion: str
    marital_status: str
    price_with_vat: Decimal
    acceptable: bool


def offer_columns(
    offers: list[Offer], *, vat, today: dt.date, accepting: bool, gender: str
) -> list[OfferColumn]:
    return [
        OfferColumn(
            offer=offer,
            age=offer.age_on(today),
            languages=[_language(code) for code in offer.languages],
            religion=choice_label(Religion, offer.religion, gender),
            marital_status=choice_label(MaritalStatus, offer.marital_status, gender),
            price_with_vat=with_vat(offer.price, vat),
            acceptable=accepting and offer.state == OfferState.SENT,
        )
        for offer in offers
    ]


def _request_page(request, found: RecruitmentRequest, *, decline_form=None, status: int = 200):
    user = request.user
    actions = {row.action: row for row in REQUEST_MACHINE.actions_for(found, user)}
    accepting = Action.ACCEPT in actions
    offers = list(selectors.offers_to_compare(actor=user, request=found))
    columns = offer_columns(
        offers,
        vat=vat_rate_on(),
        today=timezone.localdate(),
        accepting=accepting,
        gender=found.worker_gender,
    )
    contract = (
        selectors.contract_of_request(actor=user, request=found)
        if found.state in (RequestState.ACCEPTED, RequestState.CANCELLED)
        else None
    )
    visa = found.visa
    return render(
        request,
        "recruitment/request.html",
        {
            "req": found,
            "visa": visa,
            "visa_to_complete": visa.state == VisaState.DRAFT,
            "recipients": list(selectors.recipients_of(actor=user, request=found)),
            "columns": columns,
            "waiting_offers": sum(column.acceptable for column in columns),
            "contract": contract,
            "actions": actions,
            "decline_form": decline_form or (DeclineForm() if Action.DECLINE in actions else None),
            "just_made": request.session.pop(MADE_KEY, None) == str(found.uid),
            "history": timeline.timeline(
                found,
                viewer=timeline.OWNER,
                labels=REQUEST_MACHINE.owner_labels,
                only_labelled=True,
            ),
        },
        status=status,
    )


@require_safe
def request_detail(request, uid):
    return _request_page(request, _request_of(request, uid))


@require_safe
def offer_photo(request, uid, offer_uid):
    """The worker's photo, to the request's owner only (the page shows it in the
    comparison); a download under a server-made name, never sniffed."""
    found = _request_of(request, uid)
    offer = _offer_of(request, found, offer_uid)
    extension = PHOTO_EXTENSIONS.get(offer.photo_type, "bin")
    return download_response(
        offer.photo.name,
        content_type=offer.photo_type,
        filename=f"worker-{found.number}-{offer.uid.hex[:8]}.{extension}",
    )


@require_http_methods(["GET", "POST"])
def offer_accept(request, uid, offer_uid):
    """The confirmation step, then the acceptance: the other offers are withdrawn, the
    worker reserved, and the contract made (its page is next)."""
    found = _request_of(request, uid)
    offer = _offer_of(request, found, offer_uid)
    actions = {row.action for row in REQUEST_MACHINE.actions_for(found, request.user)}
    if Action.ACCEPT not in actions or offer.state != OfferState.SENT:
        messages.error(request, _("This offer can no longer be accepted."))
        return redirect("recruitment:request", uid=found.uid)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = offer_services.offer_accept(offer=offer, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("recruitment:request", uid=found.uid)
        messages.success(
            request,
            _(
                "You accepted the offer. Read the contract, sign it with the code we send by "
                "SMS, and pay when the office has signed too."
            ),
        )
        return redirect("recruitment:contract", uid=contract.uid)
    column = offer_columns(
        [offer],
        vat=vat_rate_on(),
        today=timezone.localdate(),
        accepting=True,
        gender=found.worker_gender,
    )[0]
    return render(
        request,
        "recruitment/accept.html",
        {
            "req": found,
            "column": column,
            "others": len(
                [
                    o
                    for o in selectors.offers_to_compare(actor=request.user, request=found)
                    if o.state == OfferState.SENT and o.pk != offer.pk
                ]
            ),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def offers_decline(request, uid):
    found = _request_of(request, uid)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            offer_services.offers_decline(
                request=found, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("You declined every offer. The offices are told."))
            return redirect("recruitment:request", uid=found.uid)
    return _request_page(request, found, decline_form=form, status=400)


@require_http_methods(["GET", "POST"])
def request_cancel(request, uid):
    found = _request_of(request, uid)
    actions = {row.action for row in REQUEST_MACHINE.actions_for(found, request.user)}
    if Action.CANCEL not in actions:
        messages.error(request, str(REQUEST_MACHINE.refused_message(found)))
        return redirect("recruitment:request", uid=found.uid)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            request_services.request_cancel(request=found, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The request was cancelled. The offices are told."))
        return redirect("recruitment:request", uid=found.uid)
    return render(
        request,
        "recruitment/request_cancel.html",
        {"req": found, "form": form},
        status=400 if form.is_bound else 200,
    )
