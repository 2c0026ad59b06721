"""The office's side of the recruitment journey, in its portal (``/office/recruitment/``;
docs/recruitment.md, "For the office").

- **Recruitment requests**: the requests sent to the member's office, newest first, each
  with its window; a request's page (what the beneficiary asked for, never who they are)
  with the offer form (a worker's CV, salary, price, days), the office's offers (taken
  back while they wait) and the refusal of the request with a reason.
- **Recruitment contracts**: each contract with the standard contract as it was made, the
  signatures (the manager signs; an employee reads why not), the stages moved with their
  evidence in the table's order, the delivery clock and the trial, the statement and the
  history.

Every view takes the member's membership from ``office_member_required`` (a person who
works for no office gets a 404, a session without the sign-in code signs in again) and
reads through the foundation's selectors, scoped to the actor in the query: another
office's request, offer or contract is the same 404 as one that does not exist. Writes are
the services'; a refusal is shown beside the field it names with what was typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from musaned.core import timeline
from musaned.core.errors import ApplicationError, InvalidTransition, NotFound
from musaned.core.forms import Form
from musaned.core.uploads import UploadRefused, download_response
from musaned.offices.access import office_member_required
from musaned.offices.ceilings import amount_text, ceiling_for
from musaned.offices.models import OfficeMembership
from musaned.offices.views import add_errors
from musaned.offices.views.portal import portal_context
from musaned.recruitment import selectors
from musaned.recruitment.forms.office import STAGE_FORMS, DeclineForm, OfferForm, SignForm
from musaned.recruitment.models import (
    Contract,
    ContractState,
    DeliveryClock,
    Language,
    Offer,
    OfferState,
    Religion,
    RequestOffice,
    RequestOfficeState,
)
from musaned.recruitment.postings import LABELS as POSTING_LABELS
from musaned.recruitment.services import contracts as contract_services
from musaned.recruitment.services import offers as offer_services
from musaned.recruitment.services import requests as request_services
from musaned.recruitment.workflow.contract import (
    CONTRACT_MACHINE,
    IN_PROGRESS_STATES,
    STAGE_ROWS,
    Action,
    ContractRow,
    stage_row,
)
from musaned.recruitment.workflow.offer import OFFER_MACHINE
from musaned.recruitment.workflow.offer import Action as OfferAction
from musaned.recruitment.workflow.request import OFFICE_MACHINE, TAKING_OFFERS, OfficeAction

INCOMING = "recruitment_office:incoming"
CONTRACTS = "recruitment_office:contracts"
PER_PAGE = 25

R = RequestOfficeState
# The queue's filters: the office's row states each shows.
QUEUE_FILTERS: dict[str, tuple[str, ...]] = {
    "waiting": (R.WAITING,),
    "answered": (R.ANSWERED, R.DECLINED),
    "expired": (R.LATE, R.CLOSED),
}
QUEUE_TABS = (
    ("", gettext_lazy("All")),
    ("waiting", gettext_lazy("Waiting for your offers")),
    ("answered", gettext_lazy("Answered by you")),
    ("expired", gettext_lazy("Expired or closed")),
)
# Where a request stands, as the office reads it.
OFFICE_STATE_LABELS: dict[str, Any] = {
    R.WAITING: gettext_lazy("Waiting for your offers"),
    R.ANSWERED: gettext_lazy("You sent offers"),
    R.DECLINED: gettext_lazy("You declined it"),
    R.LATE: gettext_lazy("Expired: no answer in time"),
    R.CLOSED: gettext_lazy("Closed before you answered"),
}
# An offer's state, as the office reads it (the model's labels speak to the beneficiary).
OFFER_STATE_LABELS: dict[str, Any] = {
    **dict(OfferState.choices),
    OfferState.SENT: gettext_lazy("Waiting for the beneficiary"),
    OfferState.ACCEPTED: gettext_lazy("Accepted by the beneficiary"),
    OfferState.DECLINED: gettext_lazy("Declined by the beneficiary"),
}
CONTRACT_TABS = (
    ("", gettext_lazy("All")),
    ("progress", gettext_lazy("In progress")),
    ("ended", gettext_lazy("Ended")),
)
# The office reads the contract's history in the third person (the beneficiary, its own
# people by name, the platform).
HISTORY_LABELS = CONTRACT_MACHINE.labels
SIGN_ROW = CONTRACT_MACHINE.rows_of(Action.SIGN_AS_OFFICE)[0]


def _found(reader, **kwargs):
    try:
        return reader(**kwargs)
    except NotFound:
        raise Http404 from None


def _status(error: ApplicationError) -> int:
    """A refusal's HTTP status on a page: bad input is 400, a conflict 409, the manager's
    part 403."""
    return int(getattr(error, "status", 400) or 400)


# --- Recruitment requests -------------------------------------------------------------------


def _our_offers() -> Coalesce:
    rows = (
        Offer.objects.filter(request_id=OuterRef("request_id"), office_id=OuterRef("office_id"))
        .order_by()
        .values("request_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _labelled(received: RequestOffice, now) -> RequestOffice:
    received.office_state_label = OFFICE_STATE_LABELS[received.state]  # type: ignore[attr-defined]
    received.late = received.state == R.LATE or (  # type: ignore[attr-defined]
        received.state == R.WAITING and received.due_at is not None and received.due_at <= now
    )
    return received


@require_safe
@office_member_required
def incoming(request, membership: OfficeMembership):
    """The requests sent to the office, newest first, with their windows; filtered by
    waiting, answered, expired. The same queries however many requests there are."""
    show = request.GET.get("show", "")
    if show not in QUEUE_FILTERS:
        show = ""
    received = selectors.incoming_for_office(actor=request.user)
    counts = received.aggregate(
        all=Count("pk"),
        **{name: Count("pk", filter=Q(state__in=states)) for name, states in QUEUE_FILTERS.items()},
    )
    if show:
        received = received.filter(state__in=QUEUE_FILTERS[show])
    page = Paginator(received.annotate(our_offers=_our_offers()), PER_PAGE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [_labelled(r, now) for r in page.object_list]
    return render(
        request,
        "recruitment/office/incoming.html",
        portal_context(
            membership,
            INCOMING,
            rows=rows,
            page=page,
            show=show,
            tabs=[(name, label, counts[name or "all"]) for name, label in QUEUE_TABS],
        ),
    )


def _takes_offers(received: RequestOffice) -> bool:
    """The offer form shows while the service would take an offer (``offer_make``): the
    request waits for offers, the office has not declined or lapsed, its window is open."""
    return (
        received.request.state in TAKING_OFFERS
        and received.state in (R.WAITING, R.ANSWERED)
        and received.due_at is not None
        and timezone.now() < received.due_at
    )


def _price_hint(received: RequestOffice) -> str:
    wanted = received.request
    listed = selectors.listed_price(
        office=received.office,
        nationality_id=wanted.nationality_id,
        occupation_id=wanted.occupation_id,
    )
    ceiling = ceiling_for(nationality_id=wanted.nationality_id, occupation_id=wanted.occupation_id)
    parts = []
    if listed is not None:
        parts.append(
            _("Your listed price is %(price)s SAR before VAT: offer that or less.")
            % {"price": amount_text(listed.amount)}
        )
    else:
        parts.append(_("You have no price listed for this nationality and occupation."))
    if ceiling is not None:
        parts.append(
            _("The ministry's ceiling is %(ceiling)s SAR.")
            % {"ceiling": amount_text(ceiling.amount)}
        )
    return " ".join(parts)


def _wishes(received: RequestOffice) -> list[tuple[str, str]]:
    """What the beneficiary wished beyond the occupation, nationality and gender."""
    wanted = received.request
    lines: list[tuple[str, str]] = []
    if wanted.min_age or wanted.max_age:
        if wanted.min_age and wanted.max_age:
            ages = _("%(low)s to %(high)s years") % {"low": wanted.min_age, "high": wanted.max_age}
        elif wanted.min_age:
            ages = _("%(low)s years or older") % {"low": wanted.min_age}
        else:
            ages = _("%(high)s years or younger") % {"high": wanted.max_age}
        lines.append((_("Age"), ages))
    if wanted.min_experience_years is not None:
        lines.append(
            (
                _("Experience"),
                _("at least %(years)s years") % {"years": wanted.min_experience_years},
            )
        )
    if wanted.languages:
        names = dict(Language.choices)
        comma = "، " if (get_language() or "ar").startswith("ar") else ", "
        lines.append((_("Languages"), comma.join(str(names.get(c, c)) for c in wanted.languages)))
    if wanted.religion:
        lines.append((_("Religion"), str(Religion(wanted.religion).label)))
    return lines


def _request_page(
    request,
    membership: OfficeMembership,
    received: RequestOffice,
    *,
    offer_form: OfferForm | None = None,
    decline_form: DeclineForm | None = None,
    problem: str = "",
    status: int = 200,
):
    actor = request.user
    wanted = received.request
    offers = list(selectors.offers_of_office(actor=actor, received=received))
    for offer in offers:
        offer.request = wanted  # the retract row's guard reads it: no query per offer
        offer.office_state_label = OFFER_STATE_LABELS[offer.state]  # type: ignore[attr-defined]
        offer.retractable = any(  # type: ignore[attr-defined]
            row.action == OfferAction.RETRACT for row in OFFER_MACHINE.actions_for(offer, actor)
        )
    taking = _takes_offers(received)
    declinable = any(
        row.action == OfficeAction.DECLINE for row in OFFICE_MACHINE.actions_for(received, actor)
    )
    if taking and offer_form is None:
        listed = selectors.listed_price(
            office=received.office,
            nationality_id=wanted.nationality_id,
            occupation_id=wanted.occupation_id,
        )
        offer_form = OfferForm(
            price_hint=_price_hint(received),
            initial={"days_to_arrival": listed.days_to_arrival} if listed else None,
        )
    if declinable and decline_form is None:
        decline_form = DeclineForm()
    contract = (
        selectors.contracts_for(actor=actor)
        .filter(request_id=wanted.pk, office_id=received.office_id)
        .first()
    )
    return render(
        request,
        "recruitment/office/request.html",
        portal_context(
            membership,
            INCOMING,
            received=_labelled(received, timezone.now()),
            wanted=wanted,
            wishes=_wishes(received),
            offers=offers,
            offer_form=offer_form if taking else None,
            decline_form=decline_form if declinable else None,
            decline_row=OFFICE_MACHINE.row(R.WAITING, OfficeAction.DECLINE),
            contract=contract,
            problem=problem,
        ),
        status=status,
    )


@require_safe
@office_member_required
def request_detail(request, membership, uid):
    received = _found(selectors.incoming_get_for, actor=request.user, uid=uid)
    return _request_page(request, membership, received)


@require_POST
@office_member_required
def offer_make(request, membership, uid):
    """The office offers a worker (``offer_make``): a refusal is shown beside its field,
    with what was typed kept (the photo is chosen again)."""
    received = _found(selectors.incoming_get_for, actor=request.user, uid=uid)
    form = OfferForm(request.POST, request.FILES, price_hint=_price_hint(received))
    status, problem = 400, ""
    if form.is_valid():
        try:
            offer = offer_services.offer_make(
                actor=request.user,
                received=received,
                nationality=received.request.nationality,
                **form.cleaned_data,
            )
        except UploadRefused as refused:
            form.add_error("photo", str(refused.message))
        except ApplicationError as error:
            status = _status(error)
            if status == 409:  # the request or the window: no field to fix
                problem = str(error.message)
            else:
                add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your offer for %(worker)s is sent. The beneficiary is told by SMS.")
                % {"worker": offer.full_name},
            )
            return redirect("recruitment_office:request", uid=received.uid)
    if "photo" not in form.errors:
        # The bound field (cached by the cleaning) is what renders.
        form["photo"].help_text = _(
            "Choose the photo again: a page shown again cannot keep a file."
        )
    return _request_page(
        request, membership, received, offer_form=form, problem=problem, status=status
    )


@require_POST
@office_member_required
def offer_retract(request, membership, uid, offer):
    received = _found(selectors.incoming_get_for, actor=request.user, uid=uid)
    found = _found(selectors.offer_get_for_office, actor=request.user, uid=offer)
    if found.request_id != received.request_id:
        raise Http404
    try:
        offer_services.offer_retract(offer=found, actor=request.user)
    except ApplicationError as error:
        return _request_page(
            request, membership, received, problem=str(error.message), status=_status(error)
        )
    messages.success(
        request,
        _("Your offer for %(worker)s is taken back. The beneficiary is told.")
        % {"worker": found.full_name},
    )
    return redirect("recruitment_office:request", uid=received.uid)


@require_safe
@office_member_required
def offer_photo(request, membership, uid, offer):
    received = _found(selectors.incoming_get_for, actor=request.user, uid=uid)
    found = _found(selectors.offer_get_for_office, actor=request.user, uid=offer)
    if found.request_id != received.request_id or not found.photo:
        raise Http404
    extension = "png" if found.photo_type == "image/png" else "jpg"
    return download_response(
        found.photo.name,
        content_type=found.photo_type,
        filename=f"{received.request.number}-{found.passport_number}.{extension}",
    )


@require_POST
@office_member_required
def request_decline(request, membership, uid):
    received = _found(selectors.incoming_get_for, actor=request.user, uid=uid)
    form = DeclineForm(request.POST)
    status, problem = 400, ""
    if form.is_valid():
        try:
            request_services.request_office_decline(
                received=received, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            status = _status(error)
            if status == 409:
                problem = str(error.message)
            else:
                add_errors(form, error)
        else:
            messages.success(
                request, _("You declined the request. The beneficiary is told by SMS.")
            )
            return redirect("recruitment_office:request", uid=received.uid)
    return _request_page(
        request, membership, received, decline_form=form, problem=problem, status=status
    )


# --- Recruitment contracts ------------------------------------------------------------------


def office_contract(request, membership: OfficeMembership, uid: Any) -> Contract:
    """One of the office's contracts (the member's own contracts as a beneficiary with
    another office are not the office's): else 404."""
    contract = _found(selectors.contract_get_for, actor=request.user, uid=uid)
    if contract.office_id != membership.office_id:
        raise Http404
    return contract


@require_safe
@office_member_required
def contract_list(request, membership):
    show = request.GET.get("show", "")
    if show not in ("progress", "ended"):
        show = ""
    rows = (
        selectors.contracts_for(actor=request.user)
        .filter(office_id=membership.office_id)
        .select_related("beneficiary")
    )
    in_progress = Q(state__in=sorted(IN_PROGRESS_STATES))
    counts = rows.aggregate(
        all=Count("pk"),
        progress=Count("pk", filter=in_progress),
        ended=Count("pk", filter=~in_progress),
    )
    if show == "progress":
        rows = rows.filter(in_progress)
    elif show == "ended":
        rows = rows.exclude(in_progress)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "recruitment/office/contracts.html",
        portal_context(
            membership,
            CONTRACTS,
            page=page,
            contracts=list(page.object_list),
            show=show,
            tabs=[(name, label, counts[name or "all"]) for name, label in CONTRACT_TABS],
            today=timezone.localdate(),
        ),
    )


def _stages(contract: Contract, evidence: dict[str, Any]) -> list[dict[str, Any]]:
    """The stages in the table's order, each done (with the evidence the office showed)
    or still to come."""
    return [
        {
            "row": row,
            "label": ContractState(row.target).label,
            "evidence": evidence.get(row.target),
            "done": row.target in evidence,
        }
        for row in STAGE_ROWS
    ]


def _clock(contract: Contract) -> dict[str, Any]:
    today = timezone.localdate()
    terms = contract.terms
    return {
        "day": contract.day_of_clock(today),
        "trial_day": contract.day_of_trial(today),
        "delivery_days": terms.delivery_days,
        "extension_days": terms.extension_days,
        "trial_days": terms.trial_days,
        "late": contract.clock in (DeliveryClock.EXTENSION, DeliveryClock.OVERDUE),
    }


def _statement(actor, contract: Contract) -> selectors.Statement:
    statement = selectors.statement_for(actor=actor, contract=contract)
    for entry in statement.entries:
        entry.what = POSTING_LABELS.get(entry.memo, entry.memo)  # type: ignore[attr-defined]
    return statement


def _sign_state(contract: Contract, actor) -> dict[str, Any] | None:
    """Whether the office signs now, and if the actor may not, why (the row's guard: only
    the manager signs)."""
    row = CONTRACT_MACHINE.row(contract.state, Action.SIGN_AS_OFFICE)
    if row is None or not CONTRACT_MACHINE.may(row, contract, actor):
        return None
    refusal = CONTRACT_MACHINE.refusal(row, contract, actor)
    return {"row": row, "refusal": str(refusal.message) if refusal is not None else ""}


def _contract_page(
    request,
    membership: OfficeMembership,
    contract: Contract,
    *,
    stage_form: Form | None = None,
    posted_stage: str = "",
    sign_form: SignForm | None = None,
    problem: str = "",
    status: int = 200,
):
    actor = request.user
    evidence = {e.stage: e for e in contract.evidence.select_related("arrival_point")}
    rows = CONTRACT_MACHINE.actions_for(contract, actor)
    next_stage: ContractRow | None = next(
        (r for r in STAGE_ROWS if any(a.action == r.action for a in rows)), None
    )
    if next_stage is not None and (stage_form is None or posted_stage != next_stage.action):
        stage_form = STAGE_FORMS[next_stage.evidence](prefix="stage")
    sign = _sign_state(contract, actor)
    if sign is not None and not sign["refusal"] and sign_form is None:
        sign_form = SignForm()
    document = contract.document or {}
    language = "ar" if (get_language() or "ar").startswith("ar") else "en"
    terms = document.get("terms", {})
    return render(
        request,
        "recruitment/office/contract.html",
        portal_context(
            membership,
            CONTRACTS,
            contract=contract,
            document=document,
            title=terms.get("title", {}).get(language, ""),
            clauses=terms.get("clauses", {}).get(language, []),
            terms=terms,
            signatures=list(contract.signatures.select_related("signer")),
            sign=sign,
            sign_form=sign_form if sign is not None and not sign["refusal"] else None,
            stages=_stages(contract, evidence),
            next_stage=next_stage,
            stage_form=stage_form if next_stage is not None else None,
            hand_over=next((r for r in rows if r.action == Action.HAND_OVER), None),
            clock=_clock(contract),
            statement=_statement(actor, contract),
            history=timeline.timeline(
                contract,
                viewer=timeline.STAFF,
                labels=HISTORY_LABELS,
                owner_field="beneficiary",
                only_labelled=True,
            ),
            pdf_url=reverse("recruitment_office:contract_pdf", kwargs={"uid": contract.uid}),
            problem=problem,
        ),
        status=status,
    )


@require_safe
@office_member_required
def contract_detail(request, membership, uid):
    return _contract_page(request, membership, office_contract(request, membership, uid))


@require_POST
@office_member_required
def contract_sign(request, membership, uid):
    """The office's manager signs (``contract_sign_as_office``); an employee is refused
    by the row (403, with the reason)."""
    contract = office_contract(request, membership, uid)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _contract_page(request, membership, contract, sign_form=form, status=400)
    try:
        contract_services.contract_sign_as_office(contract=contract, actor=request.user)
    except ApplicationError as error:
        return _contract_page(
            request, membership, contract, problem=str(error.message), status=_status(error)
        )
    messages.success(
        request,
        _("You signed contract %(number)s for the office. The beneficiary is told.")
        % {"number": contract.number},
    )
    return redirect("recruitment_office:contract", uid=contract.uid)


@require_POST
@office_member_required
def contract_stage(request, membership, uid, action):
    """The office moves the contract to its next stage with that stage's evidence
    (``contract_stage_record``); the order is the table's."""
    contract = office_contract(request, membership, uid)
    row = stage_row(action)
    if row is None:
        raise Http404
    form = STAGE_FORMS[row.evidence](request.POST, request.FILES, prefix="stage")
    if not form.is_valid():
        return _contract_page(
            request, membership, contract, stage_form=form, posted_stage=row.action, status=400
        )
    evidence = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        contract_services.contract_stage_record(
            contract=contract, actor=request.user, action=row.action, **evidence
        )
    except InvalidTransition as error:
        return _contract_page(
            request, membership, contract, problem=str(error.message), status=_status(error)
        )
    except ApplicationError as error:
        add_errors(form, error)
        return _contract_page(
            request,
            membership,
            contract,
            stage_form=form,
            posted_stage=row.action,
            status=_status(error),
        )
    messages.success(
        request,
        _("Contract %(number)s: “%(stage)s” is recorded. The beneficiary is told by SMS.")
        % {"number": contract.number, "stage": ContractState(row.target).label},
    )
    return redirect("recruitment_office:contract", uid=contract.uid)


@require_POST
@office_member_required
def contract_hand_over(request, membership, uid):
    contract = office_contract(request, membership, uid)
    try:
        contract_services.contract_hand_over(contract=contract, actor=request.user)
    except ApplicationError as error:
        return _contract_page(
            request, membership, contract, problem=str(error.message), status=_status(error)
        )
    messages.success(request, _("The worker is with the beneficiary: the trial period runs."))
    return redirect("recruitment_office:contract", uid=contract.uid)


@require_safe
@office_member_required
def evidence_document(request, membership, uid, stage):
    contract = office_contract(request, membership, uid)
    found = contract.evidence.filter(stage=stage).first()
    if found is None or not found.document:
        raise Http404
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        found.document_type, "bin"
    )
    return download_response(
        found.document.name,
        content_type=found.document_type,
        filename=f"{contract.number}-{stage}.{extension}",
    )
