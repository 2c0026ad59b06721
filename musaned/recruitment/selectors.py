"""Reads of the recruitment journey, scoped to the person asking in the query: a request
is its owner's; a request an office received, and its offers, are that office's people's;
a contract and its statement are its beneficiary's, its office's people's and staff's
holding ``recruitment.view_all_contracts``. Anyone else gets the same ``not_found``."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from musaned.accounts import personal_data
from musaned.accounts.models import User
from musaned.offices import scorecard
from musaned.offices.models import Office, OfficeMembership, OfficePrice, PriceState
from musaned.offices.selectors import name_field
from musaned.offices.workflow import LISTED_STATES
from musaned.recruitment import permissions, postings
from musaned.recruitment.errors import RecruitmentErrorCode, recruitment_error
from musaned.recruitment.models import (
    VISA_HOLDING_STATES,
    Account,
    Contract,
    ContractTerms,
    DeliveryClock,
    LedgerEntry,
    Offer,
    RecruitmentRequest,
    RequestOffice,
    Signature,
    StageEvidence,
)
from musaned.visas.models import Nationality, Occupation, VisaApplication, VisaState

M = TypeVar("M", bound=Model)


def _uid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def _by_uid(rows: QuerySet[M], value: Any) -> M | None:
    """The row of ``rows`` with the opaque id ``value`` (``None``: not there, or not an id)."""
    uid = _uid(value)
    return None if uid is None else rows.filter(uid=uid).first()


def not_found() -> Exception:
    return recruitment_error(RecruitmentErrorCode.NOT_FOUND)


# --- Terms and visas ----------------------------------------------------------------------


def terms_in_force(day: dt.date | None = None) -> ContractTerms:
    """The version of the standard contract in force on ``day`` (today); ``no_terms``
    when none is."""
    terms = (
        ContractTerms.objects.filter(effective_from__lte=day or timezone.localdate())
        .order_by("-effective_from")
        .first()
    )
    if terms is None:
        raise recruitment_error(RecruitmentErrorCode.NO_TERMS)
    return terms


def visa_in_use(application: VisaApplication) -> bool:
    """A request (or the contract of an accepted one) holds this visa now."""
    return RecruitmentRequest.objects.filter(
        visa_id=application.pk, state__in=VISA_HOLDING_STATES
    ).exists()


def usable_visa(
    *, owner: User, occupation: Occupation, nationality: Nationality, worker_gender: str
) -> VisaApplication | None:
    """The owner's issued, unexpired visa for this occupation, nationality and gender that
    no request holds (the oldest first: it expires first), or ``None``."""
    held = RecruitmentRequest.objects.filter(visa=OuterRef("pk"), state__in=VISA_HOLDING_STATES)
    return (
        VisaApplication.objects.filter(
            owner=owner,
            state=VisaState.ISSUED,
            occupation=occupation,
            nationality=nationality,
            worker_gender=worker_gender,
            expires_on__gte=timezone.localdate(),
        )
        .exclude(Exists(held))
        .order_by("expires_on", "pk")
        .first()
    )


# --- Offices --------------------------------------------------------------------------------


def offices_recruiting(*, nationality: Nationality, occupation: Occupation) -> QuerySet[Office]:
    """The offices that take requests now for this nationality and occupation: active,
    recruiting both, with an offered price for them (``listed_price``, before VAT, and
    ``listed_days`` to arrival are annotated)."""
    prices = OfficePrice.objects.filter(
        office=OuterRef("pk"),
        nationality=nationality,
        occupation=occupation,
        state=PriceState.ACTIVE,
    )
    return (
        Office.objects.filter(
            state__in=LISTED_STATES, nationalities=nationality, occupations=occupation
        )
        .annotate(
            listed_price=Subquery(prices.values("amount")[:1]),
            listed_days=Subquery(prices.values("days_to_arrival")[:1]),
        )
        .filter(listed_price__isnull=False)
        .select_related("city")
    )


def listed_price(*, office: Office, nationality_id: int, occupation_id: int) -> OfficePrice | None:
    return OfficePrice.objects.filter(
        office=office,
        nationality_id=nationality_id,
        occupation_id=occupation_id,
        state=PriceState.ACTIVE,
    ).first()


def office_of(actor: User | None) -> Office | None:
    """The office ``actor`` works for now, or ``None``."""
    if actor is None or actor.pk is None:
        return None
    membership = (
        OfficeMembership.objects.filter(user_id=actor.pk, ended_at__isnull=True)
        .select_related("office")
        .first()
    )
    return membership.office if membership else None


# --- Requests and offers --------------------------------------------------------------------


def requests_for(*, actor: User) -> QuerySet[RecruitmentRequest]:
    """The actor's own requests, newest first, with what a list shows."""
    return (
        RecruitmentRequest.objects.filter(owner=actor)
        .select_related("occupation", "nationality", "visa")
        .order_by("-created_at", "-id")
    )


def request_get_for(*, actor: User, uid: Any) -> RecruitmentRequest:
    """One of the actor's requests by its opaque id; anyone else's is ``not_found``."""
    request = _by_uid(requests_for(actor=actor), uid)
    if request is None:
        raise not_found()
    return request


def offers_to_compare(*, actor: User, request: RecruitmentRequest) -> QuerySet[Offer]:
    """The offers of the actor's request, side by side (salary, experience, languages,
    age, price, days), in one query."""
    return (
        Offer.objects.filter(request=request, request__owner=actor)
        .select_related("office", "nationality")
        .order_by("price", "created_at", "id")
    )


def offer_get_for_owner(*, actor: User, request: RecruitmentRequest, uid: Any) -> Offer:
    offer = _by_uid(offers_to_compare(actor=actor, request=request), uid)
    if offer is None:
        raise not_found()
    return offer


def incoming_for_office(*, actor: User) -> QuerySet[RequestOffice]:
    """The requests the actor's office received, newest window first. Not those still
    waiting for their visa: the office sees a request once it is sent, which is when its
    row gets ``due_at`` (no row of the request's table goes back to ``awaiting_visa``), so
    the office's own rows say it and the ``requestoffice_queue`` index serves the page."""
    office = office_of(actor)
    if office is None:
        return RequestOffice.objects.none()
    return (
        RequestOffice.objects.filter(office=office, due_at__isnull=False)
        .select_related("request", "request__occupation", "request__nationality")
        .order_by("-due_at", "-id")
    )


def incoming_get_for(*, actor: User, uid: Any) -> RequestOffice:
    """One request the actor's office received, by the opaque id of its row for the office."""
    found = _by_uid(incoming_for_office(actor=actor), uid)
    if found is None:
        raise not_found()
    return found


def offers_of_office(*, actor: User, received: RequestOffice) -> QuerySet[Offer]:
    return Offer.objects.filter(
        request_id=received.request_id, office_id=received.office_id, office=office_of(actor)
    ).order_by("created_at", "id")


def offer_get_for_office(*, actor: User, uid: Any) -> Offer:
    office = office_of(actor)
    offer = (
        _by_uid(Offer.objects.filter(office=office).select_related("request"), uid)
        if office is not None
        else None
    )
    if offer is None:
        raise not_found()
    return offer


# --- Contracts and their statements ---------------------------------------------------------


def contracts_for(*, actor: User) -> QuerySet[Contract]:
    """Every contract ``actor`` may read: their own as beneficiary, their office's, and,
    for staff holding ``recruitment.view_all_contracts``, all."""
    rows = Contract.objects.select_related("office", "occupation", "worker_nationality", "terms")
    if actor.is_active and actor.is_staff and actor.has_perm(permissions.VIEW_ALL):
        return rows
    office = office_of(actor)
    where = Q(beneficiary=actor)
    if office is not None:
        where |= Q(office=office)
    return rows.filter(where)


def contract_get_for(*, actor: User, uid: Any) -> Contract:
    contract = _by_uid(contracts_for(actor=actor), uid)
    if contract is None:
        raise not_found()
    return contract


def balances(contract: Contract) -> dict[str, Decimal]:
    """Each account's balance for the contract (accounts without entries are 0)."""
    rows = (
        LedgerEntry.objects.filter(contract=contract)
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
    )
    found = {row["account"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in rows}
    return {account: found.get(account, postings.ZERO) for account in Account.values}


@dataclass(frozen=True)
class Statement:
    """A contract's money, as a read of its entries: every line, each account's balance,
    and the check that all of it sums to zero."""

    contract: Contract
    entries: list[LedgerEntry]
    balances: dict[str, Decimal]

    @property
    def balanced(self) -> bool:
        return sum(self.balances.values(), postings.ZERO) == 0

    @property
    def paid(self) -> Decimal:
        return -self.balances[Account.BENEFICIARY]

    @property
    def held(self) -> Decimal:
        return self.balances[Account.HELD]

    @property
    def released(self) -> Decimal:
        return self.balances[Account.OFFICE]

    @property
    def owed_back(self) -> Decimal:
        return self.balances[Account.REFUND]

    @property
    def charged_to_guarantee(self) -> Decimal:
        return -self.balances[Account.OFFICE_GUARANTEE]


def statement_for(*, actor: User, contract: Contract) -> Statement:
    """The statement of a contract the actor may read (``contract_get_for`` first)."""
    contract = contract_get_for(actor=actor, uid=contract.uid)
    entries = list(LedgerEntry.objects.filter(contract=contract).order_by("created_at", "id"))
    totals: dict[str, Decimal] = {account: postings.ZERO for account in Account.values}
    for entry in entries:
        totals[entry.account] += entry.amount
    return Statement(contract=contract, entries=entries, balances=totals)


# --- The beneficiary's pages ----------------------------------------------------------------
# "My contracts" and a contract's page are the beneficiary's own: the office's people and
# staff read contracts through ``contracts_for`` on their own pages, never through these.


def offices_to_choose(
    *, nationality: Nationality, occupation: Occupation, period: scorecard.Period
) -> QuerySet[Office]:
    """The offices a request may go to (``offices_recruiting``), each with its scorecard
    counts over ``period`` (``musaned/offices/scorecard.py``), the lowest listed price
    first. One query, however many offices."""
    return scorecard.annotate(
        offices_recruiting(nationality=nationality, occupation=occupation), period
    ).order_by("listed_price", "listed_days", name_field(), "pk")


def recipients_of(*, actor: User, request: RecruitmentRequest) -> QuerySet[RequestOffice]:
    """The offices the actor's request went to, with their answers, in the order chosen."""
    return (
        RequestOffice.objects.filter(request=request, request__owner=actor)
        .select_related("office")
        .order_by("created_at", "id")
    )


def contracts_of_beneficiary(*, actor: User) -> QuerySet[Contract]:
    """The actor's own contracts, as the beneficiary, newest first, with what a list shows."""
    return (
        Contract.objects.filter(beneficiary=actor)
        .select_related("office", "occupation", "worker_nationality", "terms", "arrival_point")
        .order_by("-created_at", "-id")
    )


def contract_get_for_beneficiary(*, actor: User, uid: Any) -> Contract:
    """One of the actor's own contracts by its opaque id; anyone else's (their office's
    contract, or a staff member's reading) is ``not_found`` here."""
    contract = _by_uid(contracts_of_beneficiary(actor=actor), uid)
    if contract is None:
        raise not_found()
    return contract


def contract_of_request(*, actor: User, request: RecruitmentRequest) -> Contract | None:
    """The contract made from the actor's request (its accepted offer), if any."""
    return contracts_of_beneficiary(actor=actor).filter(request=request).first()


def evidence_for_beneficiary(*, actor: User, contract: Contract) -> QuerySet[StageEvidence]:
    """What the office showed for each stage of the actor's contract, in stage order."""
    return (
        StageEvidence.objects.filter(contract=contract, contract__beneficiary=actor)
        .select_related("arrival_point")
        .order_by("created_at", "id")
    )


# --- The beneficiary's data download (PDPL) -----------------------------------------------


def requests_in_personal_data(user: User) -> list[dict[str, Any]]:
    """``user``'s recruitment requests, what each asked for and the offices it went to
    (not the offers), for their data download. Two queries."""
    rows = requests_for(actor=user).prefetch_related(
        Prefetch(
            "recipients",
            queryset=RequestOffice.objects.select_related("office").order_by("created_at", "id"),
        )
    )
    return [
        {
            "number": r.number,
            "state": r.state,
            "occupation": r.occupation.name,
            "worker_nationality": r.nationality.name,
            "worker_gender": r.worker_gender,
            "min_age": r.min_age,
            "max_age": r.max_age,
            "min_experience_years": r.min_experience_years,
            "languages": r.languages,
            "religion": r.religion,
            "visa": r.visa.reference,
            "sent_to": [recipient.office.name for recipient in r.recipients.all()],
            "created_at": personal_data.iso(r.created_at),
            "sent_at": personal_data.iso(r.sent_at),
            "offers_due_at": personal_data.iso(r.offers_due_at),
            "decide_by": personal_data.iso(r.decide_by),
            "closed_at": personal_data.iso(r.closed_at),
            "decline_reason": r.decline_reason,
            "rejection_reasons": r.rejection_reasons,
        }
        for r in rows
    ]


def contracts_in_personal_data(user: User) -> list[dict[str, Any]]:
    """``user``'s contracts as the beneficiary, as their contract page shows them (the
    office's name, the worker's name and passport number, the money, the dates), when each
    party signed (not who signed for the office) and the lines of the statement, for their
    data download. Three queries."""
    rows = (
        contracts_of_beneficiary(actor=user)
        .select_related("request", "visa")
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.order_by("signed_at", "id")),
            Prefetch("ledger_entries", queryset=LedgerEntry.objects.order_by("created_at", "id")),
        )
    )
    return [
        {
            "number": c.number,
            "state": c.state,
            "request": c.request.number,
            "visa": c.visa.reference,
            "office": c.office.name,
            "terms_version": c.terms.version,
            "worker_name": c.worker_name,
            "passport_number": c.passport_number,
            "worker_nationality": c.worker_nationality.name,
            "occupation": c.occupation.name,
            "monthly_salary": personal_data.amount(c.monthly_salary),
            "price": personal_data.amount(c.price),
            "vat_rate": personal_data.amount(c.vat_rate),
            "vat": personal_data.amount(c.vat),
            "total": personal_data.amount(c.total),
            "created_at": personal_data.iso(c.created_at),
            "respond_by": personal_data.iso(c.respond_by),
            "signed_at": personal_data.iso(c.signed_at),
            "paid_at": personal_data.iso(c.paid_at),
            "delivery_due_on": personal_data.iso(c.delivery_due_on),
            "extension_ends_on": personal_data.iso(c.extension_ends_on),
            "arrived_on": personal_data.iso(c.arrived_on),
            "arrival_point": c.arrival_point.name if c.arrival_point else None,
            "handed_over_at": personal_data.iso(c.handed_over_at),
            "trial_ends_on": personal_data.iso(c.trial_ends_on),
            "closed_at": personal_data.iso(c.closed_at),
            "rating": c.rating,
            "rated_at": personal_data.iso(c.rated_at),
            "signatures": [
                {"party": s.role, "signed_at": personal_data.iso(s.signed_at)}
                for s in c.signatures.all()
            ],
            "statement": [
                {
                    "time": personal_data.iso(e.created_at),
                    "account": e.account,
                    "kind": e.kind,
                    "amount": personal_data.amount(e.amount),
                    "what": str(postings.LABELS.get(e.memo, e.memo)),
                }
                for e in c.ledger_entries.all()
            ],
        }
        for c in rows
    ]


@dataclass(frozen=True)
class Quote:
    """What ending a contract now would post, as the row's effect computes it
    (``workflow/contract.py``: ``own_cancellation``, ``late_cancellation``,
    ``trial_failure``), before anyone confirms: ``outcome`` is ``None`` when nothing was
    paid (or the schedule says nothing for the day: ``no_schedule``); ``late`` when the
    office is late (the claim), with the compensation ``percent``; ``day`` of the
    delivery clock (or of the trial)."""

    outcome: postings.Cancellation | None
    percent: Decimal | None
    day: int | None
    late: bool = False
    no_schedule: bool = False


def cancellation_quote(contract: Contract, today: dt.date | None = None) -> Quote:
    """What the beneficiary's cancellation of ``contract`` would give back today."""
    today = today or timezone.localdate()
    terms = contract.terms
    day = contract.day_of_clock(today)
    if contract.clock == DeliveryClock.NOT_STARTED or day is None:
        return Quote(outcome=None, percent=None, day=None)
    held = postings.balance_of(balances(contract), Account.HELD)
    if contract.clock in (DeliveryClock.EXTENSION, DeliveryClock.OVERDUE):
        percent = (
            terms.late_compensation_percent
            if contract.clock == DeliveryClock.OVERDUE
            else terms.extension_compensation_percent
        )
        outcome = postings.late_cancellation(total=contract.total, held=held, percent=percent)
        return Quote(outcome=outcome, percent=percent, day=day, late=True)
    kept = terms.cancellation_percent(day)
    if kept is None:
        return Quote(outcome=None, percent=None, day=day, no_schedule=True)
    outcome = postings.own_cancellation(total=contract.total, held=held, percent=kept)
    return Quote(outcome=outcome, percent=kept, day=day)


def trial_failure_quote(contract: Contract, today: dt.date | None = None) -> Quote:
    """What the beneficiary would get back if they reported today that the trial failed."""
    served = contract.day_of_trial(today or timezone.localdate())
    if served is None:
        return Quote(outcome=None, percent=None, day=None)
    held = postings.balance_of(balances(contract), Account.HELD)
    outcome = postings.trial_failure(
        total=contract.total, held=held, trial_days=contract.terms.trial_days, days_served=served
    )
    return Quote(outcome=outcome, percent=None, day=served)
