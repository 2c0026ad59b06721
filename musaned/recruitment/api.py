"""The recruitment part of the REST API (docs/api.md, "Recruitment"; docs/recruitment.md).

- ``router``, with a beneficiary's token: their requests (make, read, cancel), the offers
  on one side by side (accept one, decline all), their contracts (read, the statement,
  sign with an SMS code, the worker handed over, cancel, report a failed trial, rate).
- ``office_router``, with an office user's token (manager or employee): the requests the
  office received and its offers on them (send, take back, decline the request), its
  contracts (read, the statement, the stages with their evidence, the handover). The
  caller's office is ``membership_for``'s; anyone who works for no office gets 404 there,
  and another office's request, offer or contract is the same 404.

Every write has its ``Idempotency-Key``; every read and write goes through the app's
selectors and services, as the website's pages do. Ids are the records' opaque UUIDs.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from musaned.accounts.models import User
from musaned.api.errors import invalid
from musaned.api.idempotency import IDEMPOTENCY_KEY, with_idempotency
from musaned.api.models import hash_token
from musaned.api.schemas import LIMIT, LIST, OFFSET, READ_ONE, WRITE, answers
from musaned.core.uploads import UploadRefused
from musaned.offices.ceilings import vat_rate_on, with_vat
from musaned.offices.models import Office, OfficeMembership
from musaned.offices.selectors import membership_for
from musaned.payments.gateway import pay_links_out
from musaned.payments.selectors import bill_for
from musaned.recruitment import postings, selectors
from musaned.recruitment.errors import RecruitmentErrorCode, recruitment_error
from musaned.recruitment.models import (
    Account,
    Contract,
    ContractState,
    DeliveryClock,
    EntryKind,
    Language,
    MaritalStatus,
    Offer,
    OfferState,
    RecruitmentRequest,
    Religion,
    RequestOffice,
    RequestOfficeState,
    RequestState,
    SignerRole,
    choice_label,
)
from musaned.recruitment.schemas import (
    CodeSentOut,
    ContractDetailOut,
    ContractOut,
    DocumentOut,
    IncomingDetailOut,
    IncomingOut,
    IncomingState,
    OfferIn,
    OfferOut,
    OptionalReasonIn,
    RatingIn,
    ReasonIn,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    SignIn,
    StageIn,
    StatementOut,
)
from musaned.recruitment.services import contracts as contract_services
from musaned.recruitment.services import offers as offer_services
from musaned.recruitment.services import requests as request_services
from musaned.recruitment.workflow.contract import CONTRACT_MACHINE
from musaned.recruitment.workflow.request import OFFICE_MACHINE, REQUEST_MACHINE, TAKING_OFFERS
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaState

router = Router(tags=["recruitment"])
office_router = Router(tags=["my office: recruitment"])


def _not_a_choice() -> str:
    # Django's own message, translated in its catalogue.
    return _("Select a valid choice. That choice is not one of the available choices.")


# ---------------------------------------------------------------------------- lookups


def not_found() -> Exception:
    return recruitment_error(RecruitmentErrorCode.NOT_FOUND)


def _uid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return None


def _code(model: type[Any], code: str | None, name: str, fields: dict) -> Any:
    """An offered catalogue row by its code, or a field error (a code that is not ASCII
    is no code, and never reaches the database)."""
    code = (code or "").strip()
    found = (
        model.objects.filter(code=code, is_active=True).first() if code and code.isascii() else None
    )
    if found is None:
        fields[name] = [_not_a_choice()]
    return found


def _offices(ids: list[str], fields: dict) -> list[Office]:
    """The offices by their opaque ids, in the order given (a repeated id stays repeated:
    the service refuses it); an id that names no office is a field error. Whether each
    takes requests for this nationality and occupation is the service's to say."""
    uids = [_uid(value.strip()) for value in ids]
    found = {o.uid: o for o in Office.objects.filter(uid__in=[u for u in uids if u])}
    if any(u is None or u not in found for u in uids):
        fields["offices"] = [_not_a_choice()]
        return []
    return [found[u] for u in uids if u is not None]


def _membership(request: HttpRequest) -> OfficeMembership:
    """The caller's present office membership; none is the one 404."""
    membership = membership_for(actor=request.auth)  # type: ignore[attr-defined]
    if membership is None:
        raise not_found()
    return membership


def own_contract(*, actor: User, id: str) -> Contract:
    """One of the caller's contracts as its beneficiary (an office's or staff's reach does
    not count here: their contracts are under /office/…, or the back office's)."""
    return selectors.contract_get_for_beneficiary(actor=actor, uid=id)


def office_contract(request: HttpRequest, id: str) -> Contract:
    membership = _membership(request)
    contract = selectors.contract_get_for(actor=request.auth, uid=id)  # type: ignore[attr-defined]
    if contract.office_id != membership.office_id:
        raise not_found()
    return contract


def api_attempt(request: HttpRequest) -> str:
    """What binds a signing code to the API token that asked for it (as a browser session
    binds the website's): the code works only with the same token."""
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return f"api-{hash_token(raw)[:60]}"


# ---------------------------------------------------------------------------- answers


def _named(item: Any) -> dict:
    return {"code": item.code, "name": item.name}


def _office(office: Office) -> dict:
    return {"id": str(office.uid), "name": office.name}


def _languages(codes: list[str]) -> list[dict]:
    return [
        {"code": code, "label": str(Language(code).label)}
        for code in codes
        if code in Language.values
    ]


def _wishes(request: RecruitmentRequest) -> dict:
    return {
        "occupation": _named(request.occupation),
        "nationality": _named(request.nationality),
        "worker_gender": request.worker_gender,
        "min_age": request.min_age,
        "max_age": request.max_age,
        "min_experience_years": request.min_experience_years,
        "languages": _languages(list(request.languages or [])),
        "religion": request.religion,
        "visa_is_new": request.visa_is_new,
    }


def _reasons(reasons: Any) -> list[dict]:
    return [
        {
            "rule": str(reason.get("rule", "")),
            "title": str(reason.get("title", "")),
            "message": str(reason.get("message", "")),
        }
        for reason in (reasons or [])
        if isinstance(reason, dict)
    ]


def request_out(request: RecruitmentRequest) -> dict:
    """A request, with the offices it went to and how many offers came (what
    ``requests_with_offices`` reads with it)."""
    visa = request.visa
    return {
        "id": str(request.uid),
        "number": request.number,
        "state": request.state,
        "state_label": str(RequestState(request.state).label),
        **_wishes(request),
        "visa": {
            "reference": visa.reference,
            "state": visa.state,
            "state_label": str(VisaState(visa.state).label),
        },
        "created_at": request.created_at,
        "sent_at": request.sent_at,
        "offers_due_at": request.offers_due_at,
        "decide_by": request.decide_by,
        "closed_at": request.closed_at,
        "decline_reason": request.decline_reason,
        "rejection_reasons": _reasons(request.rejection_reasons),
        "offers_received": request.offers_received,  # type: ignore[attr-defined]
        "offices": [
            {
                "office": _office(received.office),
                "state": received.state,
                "state_label": str(RequestOfficeState(received.state).label),
                "due_at": received.due_at,
                "answered_at": received.answered_at,
                "decline_reason": received.decline_reason,
            }
            for received in request.recipients.all()
        ],
    }


def requests_with_offices(rows: QuerySet[RecruitmentRequest]) -> QuerySet[RecruitmentRequest]:
    """What ``request_out`` reads, in three queries however many requests."""
    return rows.annotate(offers_received=Count("offers", distinct=True)).prefetch_related(
        Prefetch("recipients", queryset=RequestOffice.objects.select_related("office"))
    )


def request_detail_out(request: RecruitmentRequest, actor: User) -> dict:
    found = requests_with_offices(selectors.requests_for(actor=actor)).get(pk=request.pk)
    contract = (
        selectors.contracts_for(actor=actor)
        .filter(request=found, beneficiary=actor)
        .values_list("uid", flat=True)
        .first()
    )
    return {
        **request_out(found),
        "actions": [str(row.action) for row in REQUEST_MACHINE.actions_for(found, actor)],
        "contract": str(contract) if contract else None,
    }


def offer_out(offer: Offer, vat: Any, gender: str) -> dict:
    """An offer's CV and terms (its office and nationality selected with it); ``gender``
    is the worker's, as the request asked (the labels' Arabic agrees with it)."""
    return {
        "id": str(offer.uid),
        "state": offer.state,
        "state_label": str(OfferState(offer.state).label),
        "office": _office(offer.office),
        "full_name": offer.full_name,
        "passport_number": offer.passport_number,
        "nationality": _named(offer.nationality),
        "date_of_birth": offer.date_of_birth,
        "age": offer.age_on(timezone.localdate()),
        "religion": {
            "code": offer.religion,
            "label": choice_label(Religion, offer.religion, gender),
        },
        "marital_status": {
            "code": offer.marital_status,
            "label": choice_label(MaritalStatus, offer.marital_status, gender),
        },
        "languages": _languages(list(offer.languages or [])),
        "experience_years": offer.experience_years,
        "experience_kind": offer.experience_kind,
        "skills": offer.skills,
        "monthly_salary": offer.monthly_salary,
        "price": offer.price,
        "price_with_vat": with_vat(offer.price, vat),
        "days_to_arrival": offer.days_to_arrival,
        "created_at": offer.created_at,
        "answered_at": offer.answered_at,
    }


def incoming_out(received: RequestOffice) -> dict:
    """A request as the office received it (its request, occupation and nationality
    selected with it). The beneficiary's identity is not part of it: the contract names
    the parties."""
    request = received.request
    return {
        "id": str(received.uid),
        "number": request.number,
        "state": received.state,
        "state_label": str(RequestOfficeState(received.state).label),
        "request_state": request.state,
        "request_state_label": str(RequestState(request.state).label),
        **_wishes(request),
        "due_at": received.due_at,
        "answered_at": received.answered_at,
        "decline_reason": received.decline_reason,
    }


def incoming_detail_out(received: RequestOffice, actor: User) -> dict:
    received = selectors.incoming_get_for(actor=actor, uid=received.uid)
    offers = selectors.offers_of_office(actor=actor, received=received).select_related(
        "office", "nationality"
    )
    vat = vat_rate_on()
    window_open = received.due_at is not None and timezone.now() < received.due_at
    return {
        **incoming_out(received),
        "taking_offers": received.request.state in TAKING_OFFERS
        and received.state in (RequestOfficeState.WAITING, RequestOfficeState.ANSWERED)
        and window_open,
        "actions": [str(row.action) for row in OFFICE_MACHINE.actions_for(received, actor)],
        "offers": [offer_out(offer, vat, received.request.worker_gender) for offer in offers],
    }


def contract_rows(rows: QuerySet[Contract]) -> QuerySet[Contract]:
    """What ``contract_out`` reads, in one query (the document itself is left out)."""
    return rows.select_related("beneficiary", "request", "arrival_point").defer("document")


def contract_out(contract: Contract) -> dict:
    return {
        "id": str(contract.uid),
        "number": contract.number,
        "request": contract.request.number,
        "state": contract.state,
        "state_label": str(ContractState(contract.state).label),
        "clock": contract.clock,
        "clock_label": str(DeliveryClock(contract.clock).label),
        "beneficiary_name": contract.beneficiary.get_full_name(),
        "office": _office(contract.office),
        "worker_name": contract.worker_name,
        "passport_number": contract.passport_number,
        "worker_nationality": _named(contract.worker_nationality),
        "occupation": _named(contract.occupation),
        "monthly_salary": contract.monthly_salary,
        "price": contract.price,
        "vat_rate": contract.vat_rate,
        "vat": contract.vat,
        "total": contract.total,
        "terms_version": contract.terms.version,
        "document_hash": contract.document_hash,
        "respond_by": contract.respond_by,
        "signed_at": contract.signed_at,
        "paid_at": contract.paid_at,
        "delivery_due_on": contract.delivery_due_on,
        "extension_ends_on": contract.extension_ends_on,
        "arrived_on": contract.arrived_on,
        "arrival_point": _named(contract.arrival_point) if contract.arrival_point else None,
        "trial_ends_on": contract.trial_ends_on,
        "closed_at": contract.closed_at,
        "rating": contract.rating,
        "created_at": contract.created_at,
    }


def contract_detail_out(contract: Contract, actor: User) -> dict:
    contract = contract_rows(selectors.contracts_for(actor=actor)).get(pk=contract.pk)
    today = timezone.localdate()
    bill = bill_for(contract)
    return {
        **contract_out(contract),
        "day_of_clock": contract.day_of_clock(today),
        "day_of_trial": contract.day_of_trial(today),
        "signatures": [
            {
                "role": signature.role,
                "role_label": str(SignerRole(signature.role).label),
                "signed_at": signature.signed_at,
                "document_hash": signature.document_hash,
            }
            for signature in contract.signatures.all()
        ],
        "stages": [
            {
                "stage": evidence.stage,
                "label": str(ContractState(evidence.stage).label),
                "recorded_at": evidence.created_at,
                "number": evidence.number,
                "document": bool(evidence.document),
                "flight_number": evidence.flight_number,
                "flight_date": evidence.flight_date,
                "arrival_date": evidence.arrival_date,
                "arrival_point": _named(evidence.arrival_point) if evidence.arrival_point else None,
            }
            for evidence in contract.evidence.select_related("arrival_point")
        ],
        "bill": {
            "number": bill.number,
            "amount": bill.amount,
            "state": bill.state,
            "due_at": bill.due_at,
            **pay_links_out(bill),
        }
        if bill is not None
        else None,
        "actions": [str(row.action) for row in CONTRACT_MACHINE.actions_for(contract, actor)],
    }


def statement_out(contract: Contract, actor: User) -> dict:
    statement = selectors.statement_for(actor=actor, contract=contract)
    return {
        "contract": str(contract.uid),
        "number": contract.number,
        "balanced": statement.balanced,
        "paid": statement.paid,
        "held": statement.held,
        "released": statement.released,
        "owed_back": statement.owed_back,
        "charged_to_guarantee": statement.charged_to_guarantee,
        "balances": dict(statement.balances),
        "entries": [
            {
                "posting": str(entry.posting),
                "account": entry.account,
                "account_label": str(Account(entry.account).label),
                "kind": entry.kind,
                "kind_label": str(EntryKind(entry.kind).label),
                "amount": entry.amount,
                "memo": entry.memo,
                "memo_label": str(postings.LABELS.get(entry.memo, entry.memo)),
                "created_at": entry.created_at,
            }
            for entry in statement.entries
        ],
    }


def document_out(contract: Contract) -> dict:
    """The contract's document as it was made, and its fingerprint: anyone may check that
    the SHA-256 of its canonical JSON is the ``document_hash`` both signatures hold."""
    return {
        "contract": str(contract.uid),
        "number": contract.number,
        "document_hash": contract.document_hash,
        "document": contract.document,
    }


# ============================================================================ the beneficiary


@router.get(
    "/recruitment/requests",
    response=answers(200, list[RequestOut], *LIST),
    summary="My recruitment requests",
)
def list_requests(request, limit: int = LIMIT, offset: int = OFFSET):
    """Newest first, each with the offices it went to; page with ``limit`` and ``offset``."""
    rows = requests_with_offices(selectors.requests_for(actor=request.auth))
    return [request_out(r) for r in rows[offset : offset + limit]]


@router.post(
    "/recruitment/requests",
    response=answers(201, RequestDetailOut, *WRITE),
    summary="Ask up to three offices for a worker (the visa rules decide first)",
)
def make_request(request, payload: RequestIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """With an issued, unused visa for the same occupation, nationality and gender the
    request goes to the offices at once (``sent``: they answer within 2 working days);
    otherwise a visa application is made from it (``awaiting_visa``; the draft in
    ``visa.reference`` is completed, paid and decided on the website, then the offices
    have 7 working days)."""

    def run():
        fields: dict = {}
        occupation = _code(Occupation, payload.occupation, "occupation", fields)
        nationality = _code(Nationality, payload.nationality, "nationality", fields)
        offices = _offices(payload.offices, fields)
        if fields:
            raise invalid(fields)
        made = request_services.request_make(
            actor=request.auth,
            occupation=occupation,
            nationality=nationality,
            worker_gender=payload.worker_gender.value,
            offices=offices,
            min_age=payload.min_age,
            max_age=payload.max_age,
            min_experience_years=payload.min_experience_years,
            languages=[language.value for language in payload.languages],
            religion=payload.religion.value if payload.religion else "",
        )
        return 201, request_detail_out(made, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.get(
    "/recruitment/requests/{id}",
    response=answers(200, RequestDetailOut, *READ_ONE),
    summary="One of my recruitment requests",
)
def get_request(request, id: str):
    found = selectors.request_get_for(actor=request.auth, uid=id)
    return Status(200, request_detail_out(found, request.auth))


@router.post(
    "/recruitment/requests/{id}/cancel",
    response=answers(200, RequestDetailOut, *WRITE),
    summary="Withdraw a request before choosing an offer",
)
def cancel_request(request, id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        found = selectors.request_get_for(actor=request.auth, uid=id)
        found = request_services.request_cancel(request=found, actor=request.auth)
        return 200, request_detail_out(found, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.get(
    "/recruitment/requests/{id}/offers",
    response=answers(200, list[OfferOut], *READ_ONE),
    summary="The offers on one of my requests, side by side (lowest price first)",
)
def compare_offers(request, id: str):
    found = selectors.request_get_for(actor=request.auth, uid=id)
    vat = vat_rate_on()
    return [
        offer_out(offer, vat, found.worker_gender)
        for offer in selectors.offers_to_compare(actor=request.auth, request=found)
    ]


@router.post(
    "/recruitment/requests/{id}/offers/{offer_id}/accept",
    response=answers(201, ContractDetailOut, *WRITE),
    summary="Accept one offer: the others are withdrawn and the contract is made",
)
def accept_offer(request, id: str, offer_id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """The worker is reserved for you; both parties sign and you pay by the contract's
    ``respond_by``. A second accept (another key) is ``409``; the worker reserved in
    another accepted offer a moment ago is ``409 worker_taken``."""

    def run():
        found = selectors.request_get_for(actor=request.auth, uid=id)
        offer = selectors.offer_get_for_owner(actor=request.auth, request=found, uid=offer_id)
        contract = offer_services.offer_accept(offer=offer, actor=request.auth)
        return 201, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/recruitment/requests/{id}/decline",
    response=answers(200, RequestDetailOut, *WRITE),
    summary="Decline every offer, with a reason the offices read",
)
def decline_offers(
    request, id: str, payload: ReasonIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    def run():
        found = selectors.request_get_for(actor=request.auth, uid=id)
        found = offer_services.offers_decline(
            request=found, actor=request.auth, reason=payload.reason
        )
        return 200, request_detail_out(found, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.get(
    "/recruitment/contracts",
    response=answers(200, list[ContractOut], *LIST),
    summary="My recruitment contracts",
)
def list_contracts(request, limit: int = LIMIT, offset: int = OFFSET):
    """Newest first, each with its stage and its clock (``delivery_due_on``,
    ``extension_ends_on``, ``trial_ends_on``)."""
    rows = contract_rows(selectors.contracts_of_beneficiary(actor=request.auth))
    return [contract_out(c) for c in rows[offset : offset + limit]]


@router.get(
    "/recruitment/contracts/{id}",
    response=answers(200, ContractDetailOut, *READ_ONE),
    summary="One of my contracts: signatures, stages with their evidence, the bill",
)
def get_contract(request, id: str):
    contract = own_contract(actor=request.auth, id=id)
    return Status(200, contract_detail_out(contract, request.auth))


@router.get(
    "/recruitment/contracts/{id}/statement",
    response=answers(200, StatementOut, *READ_ONE),
    summary="The money of one of my contracts: every ledger entry and each balance",
)
def contract_statement(request, id: str):
    contract = own_contract(actor=request.auth, id=id)
    return Status(200, statement_out(contract, request.auth))


@router.get(
    "/recruitment/contracts/{id}/document",
    response=answers(200, DocumentOut, *READ_ONE),
    summary="What one of my contracts says (its parties, worker, money and terms) and its hash",
)
def contract_document(request, id: str):
    return Status(200, document_out(own_contract(actor=request.auth, id=id)))


@router.post(
    "/recruitment/contracts/{id}/signature-code",
    response=answers(201, CodeSentOut, *WRITE),
    summary="Send me the SMS code that signs the contract",
)
def send_signature_code(request, id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """The code goes by SMS to your registered mobile and works only with this token,
    for 10 minutes; one a minute at most. ``409`` when you may not sign now."""

    def run():
        contract = own_contract(actor=request.auth, id=id)
        code = contract_services.contract_signature_code_send(
            contract=contract, actor=request.auth, attempt=api_attempt(request)
        )
        return 201, {"sent_to": request.auth.masked_mobile, "expires_at": code.expires_at}

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/recruitment/contracts/{id}/sign",
    response=answers(200, ContractDetailOut, *WRITE),
    summary="Sign the contract with the SMS code",
)
def sign_contract(request, id: str, payload: SignIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """A wrong code is ``422 code_invalid`` (it counts as a try: send it with a new key);
    an expired or used one ``422 code_expired``. Once both parties signed, the contract's
    bill is issued (``bill.pay_url``)."""

    def run():
        contract = own_contract(actor=request.auth, id=id)
        contract = contract_services.contract_sign_as_beneficiary(
            contract=contract, actor=request.auth, attempt=api_attempt(request), code=payload.code
        )
        return 200, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/recruitment/contracts/{id}/hand-over",
    response=answers(200, ContractDetailOut, *WRITE),
    summary="The worker is with me: the trial period shows as running",
)
def hand_over(request, id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        contract = own_contract(actor=request.auth, id=id)
        contract = contract_services.contract_hand_over(contract=contract, actor=request.auth)
        return 200, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/recruitment/contracts/{id}/cancel",
    response=answers(200, ContractDetailOut, *WRITE),
    summary="Cancel before the worker arrives (the schedule, or the claim if the office is late)",
)
def cancel_contract(
    request, id: str, payload: OptionalReasonIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    """Before payment nothing is owed. Paid, within the office's 90 days: the schedule's
    share stays with the office, the rest is refunded. Once the office is late (the
    extension, or after it): the price back with 15 % or 20 % compensation, entered in
    the ledger at once (``GET …/statement``)."""

    def run():
        contract = own_contract(actor=request.auth, id=id)
        contract = contract_services.contract_cancel(
            contract=contract, actor=request.auth, reason=payload.reason
        )
        return 200, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/recruitment/contracts/{id}/trial-failure",
    response=answers(200, ContractDetailOut, *WRITE),
    summary="Report, within the trial, that it failed: the office takes the worker back",
)
def report_trial_failure(
    request, id: str, payload: ReasonIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    def run():
        contract = own_contract(actor=request.auth, id=id)
        contract = contract_services.contract_report_trial_failure(
            contract=contract, actor=request.auth, reason=payload.reason
        )
        return 200, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/recruitment/contracts/{id}/rating",
    response=answers(200, ContractDetailOut, *WRITE),
    summary="Rate the office once, after the contract ended",
)
def rate_office(request, id: str, payload: RatingIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        contract = own_contract(actor=request.auth, id=id)
        contract = contract_services.contract_rate(
            contract=contract, actor=request.auth, rating=payload.rating
        )
        return 200, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


# ============================================================================ the office


STATE_QUERY = Query(None, description="Only those in this state (waiting).")


@office_router.get(
    "/office/recruitment/requests",
    response=answers(200, list[IncomingOut], *READ_ONE, 422),
    summary="The recruitment requests my office received",
)
def list_incoming(
    request,
    state: IncomingState | None = STATE_QUERY,
    limit: int = LIMIT,
    offset: int = OFFSET,
):
    """Newest window first (a request waiting for its visa is not with the offices yet)."""
    _membership(request)
    rows = selectors.incoming_for_office(actor=request.auth)
    if state is not None:
        rows = rows.filter(state=state.value)
    return [incoming_out(received) for received in rows[offset : offset + limit]]


@office_router.get(
    "/office/recruitment/requests/{id}",
    response=answers(200, IncomingDetailOut, *READ_ONE),
    summary="One request my office received, with my office's offers on it",
)
def get_incoming(request, id: str):
    _membership(request)
    received = selectors.incoming_get_for(actor=request.auth, uid=id)
    return Status(200, incoming_detail_out(received, request.auth))


def _photo(payload: OfferIn) -> SimpleUploadedFile:
    """The photo sent as base64, as an upload the service checks like every file."""
    try:
        data = base64.b64decode(payload.photo.data, validate=True)
    except (binascii.Error, ValueError):
        raise invalid({"photo.data": [_("Enter a valid value.")]}) from None
    if not data:
        raise invalid({"photo.data": [_("This field is required.")]})
    extension = "png" if payload.photo.content_type.value == "image/png" else "jpg"
    return SimpleUploadedFile(
        f"photo.{extension}", data, content_type=payload.photo.content_type.value
    )


@office_router.post(
    "/office/recruitment/requests/{id}/offers",
    response=answers(201, OfferOut, *WRITE),
    summary="Offer a worker on a request my office received (the CV, salary, price, days)",
)
def make_offer(request, id: str, payload: OfferIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """Within your office's window, at your listed price or lower (never above the
    ceiling in force). The photo comes in the body as base64 (a JPEG or PNG)."""

    def run():
        _membership(request)
        received = selectors.incoming_get_for(actor=request.auth, uid=id)
        fields: dict = {}
        nationality = _code(Nationality, payload.nationality, "nationality", fields)
        if fields:
            raise invalid(fields)
        try:
            offer = offer_services.offer_make(
                actor=request.auth,
                received=received,
                full_name=payload.full_name,
                passport_number=payload.passport_number,
                nationality=nationality,
                date_of_birth=payload.date_of_birth,
                religion=payload.religion.value,
                marital_status=payload.marital_status.value,
                languages=[language.value for language in payload.languages],
                experience_years=payload.experience_years,
                experience_kind=payload.experience_kind,
                skills=payload.skills,
                photo=_photo(payload),
                monthly_salary=payload.monthly_salary,
                price=payload.price,
                days_to_arrival=payload.days_to_arrival,
            )
        except UploadRefused as refused:
            if not refused.fields:
                refused.fields = {"photo": [refused.message]}
            raise
        return 201, offer_out(offer, vat_rate_on(), offer.request.worker_gender)

    return with_idempotency(request, idempotency_key, run)


@office_router.post(
    "/office/recruitment/requests/{id}/decline",
    response=answers(200, IncomingDetailOut, *WRITE),
    summary="My office cannot supply such a worker (with the reason the beneficiary reads)",
)
def decline_incoming(
    request, id: str, payload: ReasonIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    def run():
        _membership(request)
        received = selectors.incoming_get_for(actor=request.auth, uid=id)
        received = request_services.request_office_decline(
            received=received, actor=request.auth, reason=payload.reason
        )
        return 200, incoming_detail_out(received, request.auth)

    return with_idempotency(request, idempotency_key, run)


@office_router.post(
    "/office/recruitment/offers/{id}/retract",
    response=answers(200, OfferOut, *WRITE),
    summary="Take one of my office's offers back before the beneficiary chooses",
)
def retract_offer(request, id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        _membership(request)
        offer = selectors.offer_get_for_office(actor=request.auth, uid=id)
        offer = offer_services.offer_retract(offer=offer, actor=request.auth)
        return 200, offer_out(offer, vat_rate_on(), offer.request.worker_gender)

    return with_idempotency(request, idempotency_key, run)


@office_router.get(
    "/office/recruitment/contracts",
    response=answers(200, list[ContractOut], *READ_ONE, 422),
    summary="My office's recruitment contracts",
)
def list_office_contracts(request, limit: int = LIMIT, offset: int = OFFSET):
    membership = _membership(request)
    rows = contract_rows(selectors.contracts_for(actor=request.auth)).filter(
        office_id=membership.office_id
    )
    return [contract_out(c) for c in rows.order_by("-created_at", "-id")[offset : offset + limit]]


@office_router.get(
    "/office/recruitment/contracts/{id}",
    response=answers(200, ContractDetailOut, *READ_ONE),
    summary="One of my office's contracts",
)
def get_office_contract(request, id: str):
    contract = office_contract(request, id)
    return Status(200, contract_detail_out(contract, request.auth))


@office_router.get(
    "/office/recruitment/contracts/{id}/statement",
    response=answers(200, StatementOut, *READ_ONE),
    summary="The money of one of my office's contracts",
)
def office_contract_statement(request, id: str):
    contract = office_contract(request, id)
    return Status(200, statement_out(contract, request.auth))


@office_router.get(
    "/office/recruitment/contracts/{id}/document",
    response=answers(200, DocumentOut, *READ_ONE),
    summary="What one of my office's contracts says, and its hash",
)
def office_contract_document(request, id: str):
    return Status(200, document_out(office_contract(request, id)))


@office_router.post(
    "/office/recruitment/contracts/{id}/stages",
    response=answers(201, ContractDetailOut, *WRITE),
    summary="Move a contract to its next stage, with the evidence the stage needs",
)
def record_stage(request, id: str, payload: StageIn, idempotency_key: str | None = IDEMPOTENCY_KEY):
    """``link_visa``: ``number`` (the contract's visa number) · ``travel_documents``,
    ``medical``: the document's ``number`` (a scanned document is attached on the
    website) · ``book_ticket``: ``flight_number`` and ``flight_date`` (today or later) ·
    ``arrive``: ``arrival_date`` (between the day of payment and today) and
    ``arrival_point`` (IATA). Not the next stage: ``409``."""

    def run():
        contract = office_contract(request, id)
        fields: dict = {}
        evidence: dict[str, Any] = {
            "number": payload.number,
            "flight_number": payload.flight_number,
            "flight_date": payload.flight_date,
            "arrival_date": payload.arrival_date,
        }
        if payload.arrival_point:
            evidence["arrival_point"] = _code(
                ArrivalPoint, payload.arrival_point, "arrival_point", fields
            )
        if fields:
            raise invalid(fields)
        contract = contract_services.contract_stage_record(
            contract=contract, actor=request.auth, action=payload.stage.value, **evidence
        )
        return 201, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)


@office_router.post(
    "/office/recruitment/contracts/{id}/hand-over",
    response=answers(200, ContractDetailOut, *WRITE),
    summary="The worker is with the beneficiary: the trial period shows as running",
)
def office_hand_over(request, id: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        contract = office_contract(request, id)
        contract = contract_services.contract_hand_over(contract=contract, actor=request.auth)
        return 200, contract_detail_out(contract, request.auth)

    return with_idempotency(request, idempotency_key, run)
