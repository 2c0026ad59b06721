"""The recruitment contract's workflow, as rows of the one core (docs/recruitment.md, "The
tables"). The stage order is this table:

    awaiting_signatures ─sign─▶ signed_by_beneficiary / signed_by_office ─sign─▶ signed
      ─pay (the bill's callback)─▶ paid ─link_visa─▶ visa_linked ─travel_documents─▶
      travel_documents_ready ─medical─▶ medical_passed ─book_ticket─▶ ticket_booked
      ─arrive─▶ arrived ─hand_over / start_trial─▶ in_trial ─complete (day 90)─▶ completed

Beside the stage runs the delivery clock (``Contract.clock``), moved by rows that keep the
stage: at day 90 after payment ``start_extension`` (running → extension), from day 120
``mark_overdue`` (extension → overdue). Before arrival the beneficiary may ``cancel`` while
the clock runs (the schedule's share stays with the office) or ``claim`` once the office
is late (everything back, with 15 % compensation during the extension and 20 % after it,
charged to the office's guarantee). Within the trial the beneficiary may report that it
failed (a refund for the days not served). Unsigned or unpaid by ``respond_by``, the
contract lapses. Every money movement is posted to the ledger inside the row's
transaction (``services/ledger.py``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core.errors import ApplicationError
from musaned.core.uploads import check_upload
from musaned.core.workflow import (
    OFFICE,
    OWNER,
    SYSTEM,
    Actor,
    Effect,
    Guard,
    Machine,
    Notice,
    Row,
    Step,
    Text,
    Who,
    transition,
)
from musaned.notifications.services import notify
from musaned.offices.workflow import is_manager, is_member
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.payments.services import bill_create
from musaned.payments.workflow import Action as BillAction
from musaned.recruitment import deadlines, postings
from musaned.recruitment.documents import fingerprint
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import (
    Account,
    Contract,
    ContractState,
    DeliveryClock,
    Offer,
    RecruitmentRequest,
    Signature,
    SignerRole,
    StageEvidence,
)
from musaned.recruitment.selectors import balances
from musaned.recruitment.services.ledger import ledger_post
from musaned.recruitment.workflow.notices import Bilingual, Money, When, tell_office, to_people
from musaned.recruitment.workflow.offer import Action as OfferAction
from musaned.recruitment.workflow.request import Action as RequestAction
from musaned.visas.models import ArrivalPoint

S = ContractState
K = DeliveryClock


class Action(StrEnum):
    SIGN_AS_BENEFICIARY = "sign_as_beneficiary"
    SIGN_AS_OFFICE = "sign_as_office"
    PAY = "pay"  # the bill's callback
    LINK_VISA = "link_visa"
    TRAVEL_DOCUMENTS = "travel_documents"
    MEDICAL = "medical"
    BOOK_TICKET = "book_ticket"
    ARRIVE = "arrive"
    HAND_OVER = "hand_over"  # the beneficiary or the office: the worker is with her employer
    START_TRIAL = "start_trial"  # the job, ``handover_days`` after arrival without it
    COMPLETE = "complete"  # the job, once the trial's last day has passed
    START_EXTENSION = "start_extension"  # the job, day 90 after payment
    MARK_OVERDUE = "mark_overdue"  # the job, day 120 after payment
    CANCEL = "cancel"  # the beneficiary: before payment, or by the schedule before arrival
    CLAIM = "claim"  # the beneficiary, the office being late: refund and compensation
    LAPSE = "lapse"  # the job: not signed and paid by ``respond_by``
    REPORT_TRIAL_FAILURE = "report_trial_failure"


class Evidence(StrEnum):
    """What the office shows to move a contract to a stage."""

    VISA_NUMBER = "visa_number"  # the contract's visa number
    DOCUMENT = "document"  # a document (a file) or its number
    FLIGHT = "flight"  # the flight and its date
    ARRIVAL = "arrival"  # the arrival date and point


@dataclass(frozen=True)
class ContractRow(Row):
    """A row of the contract table with what it asks for: ``evidence`` (a stage the office
    records), ``signer`` (a signature row: whose)."""

    evidence: str = ""
    signer: str = ""


def contract_row(row: Row) -> ContractRow:
    return cast(ContractRow, row)


def today() -> dt.date:
    return timezone.localdate()


# --- Who -------------------------------------------------------------------------------------


def office_member(contract: Contract, actor: Actor) -> bool:
    return is_member(contract.office, actor)


def request_and_offer_first(contract: Contract) -> list[models.Model]:
    """The contract's request and offer, locked before it (``core/locks.py``): a
    cancellation moves them too."""
    return [RecruitmentRequest(pk=contract.request_id), Offer(pk=contract.offer_id)]


# --- Guards ----------------------------------------------------------------------------------


def _not_yet() -> ApplicationError:
    return recruitment_error(Code.NOT_YET)


def managers_only(contract: Contract, actor: Actor) -> ApplicationError | None:
    return None if is_manager(contract.office, actor) else recruitment_error(Code.MANAGERS_ONLY)


def in_time_to_respond(contract: Contract, actor: Actor) -> ApplicationError | None:
    return None if timezone.now() < contract.respond_by else recruitment_error(Code.TIME_PASSED)


def time_to_respond_passed(contract: Contract, actor: Actor) -> ApplicationError | None:
    return None if timezone.now() >= contract.respond_by else _not_yet()


def _day(contract: Contract) -> int:
    day = contract.day_of_clock(today())
    return -1 if day is None else day


def phase(contract: Contract, day: dt.date | None = None) -> DeliveryClock:
    """Where the delivery clock is on ``day`` (today) by the calendar, whether or not the
    scheduled command has moved ``Contract.clock`` yet: running (days 0–89), extension
    (90–119), overdue (from 120); stopped once the worker arrived or the contract ended,
    not started before payment. What a cancellation costs is decided by this, so a
    command that ran late never costs the beneficiary their compensation."""
    if contract.clock in (K.NOT_STARTED, K.STOPPED) or contract.paid_on is None:
        return DeliveryClock(contract.clock)
    days = ((day or today()) - contract.paid_on).days
    terms = contract.terms
    if days < terms.delivery_days:
        return K.RUNNING
    if days < terms.delivery_days + terms.extension_days:
        return K.EXTENSION
    return K.OVERDUE


def clock_running(contract: Contract, actor: Actor) -> ApplicationError | None:
    """The beneficiary's own cancellation: the office is within its 90 days."""
    return None if phase(contract) == K.RUNNING else _not_yet()


def office_late(contract: Contract, actor: Actor) -> ApplicationError | None:
    """The claim: the 90 days are over (the extension, or after it) without the worker."""
    return None if phase(contract) in (K.EXTENSION, K.OVERDUE) else _not_yet()


def extension_due(contract: Contract, actor: Actor) -> ApplicationError | None:
    if contract.clock == K.RUNNING and _day(contract) >= contract.terms.delivery_days:
        return None
    return _not_yet()


def overdue_due(contract: Contract, actor: Actor) -> ApplicationError | None:
    terms = contract.terms
    if contract.clock == K.EXTENSION and _day(contract) >= (
        terms.delivery_days + terms.extension_days
    ):
        return None
    return _not_yet()


def handover_due(contract: Contract, actor: Actor) -> ApplicationError | None:
    arrived = contract.arrived_on
    if arrived is not None and today() >= arrived + dt.timedelta(days=contract.terms.handover_days):
        return None
    return _not_yet()


def trial_over(contract: Contract, actor: Actor) -> ApplicationError | None:
    ends = contract.trial_ends_on
    return None if ends is not None and today() > ends else _not_yet()


def within_trial(contract: Contract, actor: Actor) -> ApplicationError | None:
    ends = contract.trial_ends_on
    return None if ends is not None and today() <= ends else recruitment_error(Code.TRIAL_OVER)


# --- Effects: signatures and payment ----------------------------------------------------------


def record_signature(step: Step[Contract]) -> None:
    """The signer's signature, holding the SHA-256 of the contract's document. The
    service says how the signer was checked (``method``: the SMS code it verified for the
    beneficiary); a row taken without it is refused."""
    contract = step.obj
    role = contract_row(step.row).signer
    method = str(step.payload.get("method") or "")
    if role == SignerRole.BENEFICIARY and method != "sms_code":
        raise recruitment_error(Code.NOT_YET)
    if not method:
        raise recruitment_error(Code.NOT_YET)
    document_hash = fingerprint(contract.document)
    if document_hash != contract.document_hash:  # the document was changed: never sign it
        raise recruitment_error(Code.NOT_YET)
    Signature.objects.create(
        contract=contract,
        signer=cast(User, step.actor),
        role=role,
        document_hash=document_hash,
        method=method,
        signed_at=step.now,
    )
    step.note(role=role, document_hash=document_hash, method=method)


def stamp_signed(step: Step[Contract]) -> None:
    step.set("signed_at", step.now)


def issue_bill(step: Step[Contract]) -> None:
    """Both signed: the bill of the total, payable until ``respond_by``."""
    contract = step.obj
    bill_create(
        owner=contract.beneficiary,
        subject=contract,
        amount=contract.total,
        description=bill_description(contract.number),
        due_at=contract.respond_by,
    )


def bill_description(number: str) -> str:
    """Both languages: the provider's page is not in the portal's language."""
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            parts.append(str(_("Musaned recruitment contract %(number)s") % {"number": number}))
    return " / ".join(parts)


def start_clock(step: Step[Contract]) -> None:
    """Paid: the delivery clock starts on the day of payment (the provider's time)."""
    contract = step.obj
    bill = step.payload["bill"]
    paid_on = timezone.localdate(bill.paid_at)
    dates = deadlines.delivery_dates(paid_on=paid_on, terms=contract.terms)
    step.set("paid_at", bill.paid_at)
    step.set("paid_on", paid_on)
    step.set("delivery_due_on", dates.delivery_due_on)
    step.set("extension_ends_on", dates.extension_ends_on)
    step.set("clock", K.RUNNING)
    posting = ledger_post(
        contract=contract, lines=postings.payment(total=contract.total), memo=postings.PAYMENT
    )
    step.note(bill=bill.number, amount=str(contract.total), posting=str(posting))


def void_open_bill(step: Step[Contract]) -> None:
    """A contract that ends before payment takes its unpaid bill with it (after it in the
    lock order): nobody pays for a cancelled contract."""
    bill = bill_for(step.obj)
    if bill is not None and bill.state == BillState.UNPAID:
        transition(obj=bill, action=BillAction.EXPIRE, actor=None, reason="contract ended")


# --- Effects: stages -------------------------------------------------------------------------


def _text(step: Step[Contract], name: str, longest: int) -> str:
    value = str(step.payload.get(name) or "").strip()
    return value[:longest]


def _date(step: Step[Contract], name: str) -> dt.date | None:
    value = step.payload.get(name)
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def record_evidence(step: Step[Contract]) -> None:
    """What the row's stage needs, checked and kept as the stage's ``StageEvidence``; a
    document is checked like every upload (``check_upload``) and stored under a server-made
    name (the service removes it again if the transaction rolls back)."""
    contract = step.obj
    kind = contract_row(step.row).evidence
    fields: dict[str, Any] = {}
    if kind == Evidence.VISA_NUMBER:
        number = _text(step, "number", 40)
        if not number:
            raise recruitment_error(Code.EVIDENCE_REQUIRED, field="number")
        if number != (contract.visa.visa_number or ""):
            raise recruitment_error(Code.VISA_NUMBER_MISMATCH, field="number")
        fields["number"] = number
    elif kind == Evidence.DOCUMENT:
        number = _text(step, "number", 40)
        upload = step.payload.get("document")
        if not number and not upload:
            raise recruitment_error(Code.EVIDENCE_REQUIRED, field="document")
        fields["number"] = number
        if upload:
            checked = check_upload(upload)
            fields["document"] = checked
            fields["document_type"] = checked.sniffed_type
    elif kind == Evidence.FLIGHT:
        flight, flight_date = _text(step, "flight_number", 10).upper(), _date(step, "flight_date")
        if not flight or flight_date is None:
            raise recruitment_error(Code.FLIGHT_REQUIRED, field="flight_number")
        if flight_date < today():
            raise recruitment_error(Code.FLIGHT_DATE_PAST, field="flight_date")
        fields.update(flight_number=flight, flight_date=flight_date)
    elif kind == Evidence.ARRIVAL:
        arrived, point = _date(step, "arrival_date"), step.payload.get("arrival_point")
        if arrived is None or not isinstance(point, ArrivalPoint):
            raise recruitment_error(Code.ARRIVAL_REQUIRED, field="arrival_date")
        if contract.paid_on is None or not contract.paid_on <= arrived <= today():
            raise recruitment_error(Code.ARRIVAL_DATE_INVALID, field="arrival_date")
        fields.update(arrival_date=arrived, arrival_point=point)
    evidence = StageEvidence(
        contract=contract, stage=step.row.target, recorded_by=cast(User, step.actor), **fields
    )
    evidence.save()
    written = step.payload.get("written")
    if evidence.document and isinstance(written, list):
        written.append(evidence.document.name)
    step.note(
        evidence=evidence.pk,
        **{k: str(v) for k, v in fields.items() if k in ("number", "flight_number", "flight_date")},
    )


def record_arrival(step: Step[Contract]) -> None:
    """The worker arrived: the clock stops, the trial counts from the arrival date, and the
    office's first share leaves the held money."""
    contract = step.obj
    arrived = cast(dt.date, _date(step, "arrival_date"))
    step.set("arrived_on", arrived)
    step.set("arrival_point", step.payload["arrival_point"])
    step.set("trial_ends_on", deadlines.trial_ends_on(arrived_on=arrived, terms=contract.terms))
    step.set("clock", K.STOPPED)
    lines = postings.release_on_arrival(
        total=contract.total, percent=contract.terms.release_on_arrival_percent
    )
    posting = ledger_post(contract=contract, lines=lines, memo=postings.RELEASE_ON_ARRIVAL)
    on_time = contract.delivery_due_on is not None and arrived <= contract.delivery_due_on
    step.note(arrived_on=arrived.isoformat(), on_time=on_time, posting=str(posting))


def stamp_handed_over(step: Step[Contract]) -> None:
    step.set("handed_over_at", step.now)


def release_the_rest(step: Step[Contract]) -> None:
    contract = step.obj
    held = postings.balance_of(balances(contract), Account.HELD)
    posting = ledger_post(
        contract=contract, lines=postings.release_rest(held=held), memo=postings.RELEASE_AFTER_TRIAL
    )
    step.set("closed_at", step.now)
    step.note(released=str(held), posting=str(posting))


# --- Effects: the clock and the ways a contract ends ----------------------------------------


def set_clock(clock: DeliveryClock) -> Effect:
    def move_the_clock(step: Step[Contract]) -> None:
        step.set("clock", clock)
        step.note(clock=str(clock), day=_day(step.obj))

    move_the_clock.__name__ = f"clock_{clock}"
    return move_the_clock


def close(step: Step[Contract]) -> None:
    step.set("closed_at", step.now)
    if step.obj.clock != K.NOT_STARTED:
        step.set("clock", K.STOPPED)


def _note_cancellation(step: Step[Contract], outcome: postings.Cancellation, posting: Any) -> None:
    step.note(
        refund=str(outcome.refund),
        kept_by_office=str(outcome.kept_by_office),
        compensation=str(outcome.compensation),
        posting=str(posting),
    )


def own_cancellation(step: Step[Contract]) -> None:
    """The beneficiary cancels before arrival, the office on time: the office keeps the
    schedule's share for the day, the rest is refunded."""
    contract = step.obj
    day = _day(contract)
    percent = contract.terms.cancellation_percent(day)
    if percent is None:
        raise recruitment_error(Code.NO_SCHEDULE)
    held = postings.balance_of(balances(contract), Account.HELD)
    outcome = postings.own_cancellation(total=contract.total, held=held, percent=percent)
    posting = ledger_post(contract=contract, lines=outcome.lines, memo=postings.OWN_CANCELLATION)
    step.note(day=day, percent=str(percent))
    _note_cancellation(step, outcome, posting)


def late_cancellation(step: Step[Contract]) -> None:
    """The office is late: everything back, with the compensation of the clock's phase
    on the day (the extension, or after it) charged to the office's guarantee, at once."""
    contract = step.obj
    terms = contract.terms
    late = phase(contract)
    percent = (
        terms.late_compensation_percent
        if late == K.OVERDUE
        else terms.extension_compensation_percent
    )
    held = postings.balance_of(balances(contract), Account.HELD)
    outcome = postings.late_cancellation(total=contract.total, held=held, percent=percent)
    posting = ledger_post(contract=contract, lines=outcome.lines, memo=postings.LATE_CANCELLATION)
    step.note(day=_day(contract), percent=str(percent), clock=str(late))
    _note_cancellation(step, outcome, posting)


def require_reason(step: Step[Contract]) -> None:
    if not step.reason.strip():
        raise recruitment_error(Code.REASON_REQUIRED, field="reason")


def trial_failure(step: Step[Contract]) -> None:
    """The trial failed on day n after arrival: the days not served are refunded."""
    contract = step.obj
    served = contract.day_of_trial(today()) or 0
    held = postings.balance_of(balances(contract), Account.HELD)
    outcome = postings.trial_failure(
        total=contract.total, held=held, trial_days=contract.terms.trial_days, days_served=served
    )
    posting = ledger_post(contract=contract, lines=outcome.lines, memo=postings.TRIAL_FAILURE)
    step.note(days_served=served)
    _note_cancellation(step, outcome, posting)


def free_the_worker(step: Step[Contract]) -> None:
    """The accepted offer releases its worker (locked first: ``request_and_offer_first``)."""
    offer = Offer.objects.get(pk=step.obj.offer_id)
    transition(obj=offer, action=OfferAction.RELEASE, actor=None)


def free_the_visa(step: Step[Contract]) -> None:
    """The request lets its visa go: a new request may use it."""
    request = RecruitmentRequest.objects.get(pk=step.obj.request_id)
    transition(obj=request, action=RequestAction.CONTRACT_CANCELLED, actor=None)


# --- Notices ---------------------------------------------------------------------------------


def notice_values(step: Step[Contract]) -> dict[str, Any]:
    contract = step.obj
    terms = contract.terms
    details = step.details
    bill = bill_for(contract) if step.row.target == S.SIGNED else None
    percent = (
        terms.late_compensation_percent
        if contract.clock == K.OVERDUE
        else terms.extension_compensation_percent
    )
    return {
        "number": contract.number,
        "office": Bilingual(contract.office),
        "worker": contract.worker_name,
        "total": Money(contract.total),
        "bill": bill.number if bill is not None else "",
        "respond_by": When(contract.respond_by),
        "due": When(contract.delivery_due_on),
        "extension_end": When(contract.extension_ends_on),
        "trial_end": When(contract.trial_ends_on),
        "arrived": When(contract.arrived_on),
        "point": contract.arrival_point or "",
        "stage": ContractState(step.row.target).label,
        "flight": details.get("flight_number", ""),
        "flight_date": When(_date(step, "flight_date")),
        "percent": Money(percent),
        "refund": Money(Decimal(details.get("refund", "0"))),
        "kept": Money(Decimal(details.get("kept_by_office", "0"))),
        "compensation": Money(Decimal(details.get("compensation", "0"))),
    }


TO_OFFICE = to_people(lambda contract: contract.office)
SUBJECT = _("Musaned: recruitment contract %(number)s")

SIGNED_BY_BENEFICIARY_NOTICE = Notice(
    _(
        "The beneficiary signed contract %(number)s for %(worker)s. The office's manager "
        "signs it in the office portal by %(respond_by)s."
    ),
    to=TO_OFFICE,
)
SIGNED_BY_OFFICE_NOTICE = Notice(
    _(
        "%(office)s signed contract %(number)s. Sign it with the SMS code in Musaned by "
        "%(respond_by)s."
    )
)
SIGNED_NOTICE = Notice(
    _(
        "Contract %(number)s is signed by both parties. Pay bill %(bill)s (%(total)s SAR) by "
        "%(respond_by)s; the platform holds the money."
    )
)
PAID_NOTICE = Notice(
    _(
        "We received %(total)s SAR for contract %(number)s and hold it. The worker is due by "
        "%(due)s."
    )
)
STAGE_NOTICE = Notice(_("Contract %(number)s: %(stage)s."))
TICKET_NOTICE = Notice(
    _("Contract %(number)s: the ticket is booked, flight %(flight)s on %(flight_date)s.")
)
ARRIVED_NOTICE = Notice(
    _(
        "Contract %(number)s: the worker arrived on %(arrived)s at %(point)s. The trial "
        "period runs until %(trial_end)s."
    )
)
TRIAL_NOTICE = Notice(_("Contract %(number)s: the trial period runs until %(trial_end)s."))
COMPLETED_NOTICE = Notice(
    _("Contract %(number)s is completed: the trial period ended. Rate the office in Musaned.")
)
EXTENSION_NOTICE = Notice(
    _(
        "Contract %(number)s: the 90 days ended without the worker, and the 30-day extension "
        "runs until %(extension_end)s. If you cancel during it, you get the amount paid back "
        "with %(percent)s %% compensation."
    )
)
OVERDUE_NOTICE = Notice(
    _(
        "Contract %(number)s: the extension ended and the worker has not arrived. You may "
        "cancel and get %(total)s SAR back with %(percent)s %% compensation."
    )
)
CANCELLED_UNPAID_NOTICE = Notice(_("Contract %(number)s is cancelled. Nothing was paid."))
LAPSED_NOTICE = Notice(
    _("Contract %(number)s is cancelled: it was not signed and paid by %(respond_by)s.")
)
CANCELLED_NOTICE = Notice(
    _(
        "Contract %(number)s is cancelled. %(refund)s SAR is refunded to you; the office "
        "keeps %(kept)s SAR by the contract's schedule."
    )
)
CLAIMED_NOTICE = Notice(
    _(
        "Contract %(number)s is cancelled because the office was late: %(refund)s SAR comes "
        "back to you, including %(compensation)s SAR compensation from the office's "
        "guarantee."
    )
)
TRIAL_FAILED_NOTICE = Notice(
    _(
        "You reported that the trial of contract %(number)s failed. The office takes the "
        "worker back; %(refund)s SAR is refunded to you."
    )
)

OFFICE_PAID = _("Contract %(number)s is paid: the worker is due by %(due)s.")
OFFICE_CANCELLED = _(
    "Contract %(number)s was cancelled by the beneficiary. %(refund)s SAR is refunded; "
    "your office keeps %(kept)s SAR."
)
OFFICE_CLAIMED = _(
    "Contract %(number)s was cancelled because the worker was late: %(compensation)s SAR "
    "compensation is charged to your office's guarantee."
)
OFFICE_TRIAL_FAILED = _(
    "The beneficiary reported that the trial of contract %(number)s failed: take the worker "
    "back. %(refund)s SAR is refunded to the beneficiary."
)
OFFICE_COMPLETED = _("Contract %(number)s is completed: the rest of the price is released.")


def office_told(body: Text) -> Effect:
    return tell_office(
        body, office=lambda contract: contract.office, values=notice_values, subject=SUBJECT
    )


# --- The rows --------------------------------------------------------------------------------

A = Action
PRE_ARRIVAL = (S.PAID, S.VISA_LINKED, S.TRAVEL_DOCUMENTS_READY, S.MEDICAL_PASSED, S.TICKET_BOOKED)
BEFORE_PAYMENT = (S.AWAITING_SIGNATURES, S.SIGNED_BY_BENEFICIARY, S.SIGNED_BY_OFFICE, S.SIGNED)
FIRST = request_and_offer_first
BENEFICIARY_OR_OFFICE: tuple[Who, ...] = (OWNER, OFFICE)


def row(
    source: str,
    action: str,
    target: str,
    who: Who | tuple[Who, ...],
    *,
    effects: tuple[Effect, ...] = (),
    guards: tuple[Guard, ...] = (),
    after_save: tuple[Effect, ...] = (),
    notice: Notice | None = None,
    timeline: Text = "",
    owner_timeline: Text = "",
    button: Text | None = None,
    evidence: str = "",
    signer: str = "",
    lock_first: Callable[[Any], Any] | None = None,
) -> ContractRow:
    return ContractRow(
        source=source,
        action=action,
        target=target,
        who=who,
        effects=effects,
        guards=guards,
        after_save=after_save,
        notice=notice,
        timeline=timeline,
        owner_timeline=owner_timeline,
        button=button,
        evidence=evidence,
        signer=signer,
        lock_first=lock_first,
    )


def _signatures() -> list[ContractRow]:
    beneficiary: dict[str, Any] = {
        "effects": (record_signature,),
        "guards": (in_time_to_respond,),
        "signer": SignerRole.BENEFICIARY,
        "timeline": _("Signed by the beneficiary"),
        "owner_timeline": _("You signed the contract"),
        "button": _("Sign with the SMS code"),
    }
    office: dict[str, Any] = {
        "effects": (record_signature,),
        "guards": (in_time_to_respond, managers_only),
        "signer": SignerRole.OFFICE,
        "timeline": _("Signed by the office's manager"),
        "button": _("Sign the contract"),
    }
    both: dict[str, Any] = {"after_save": (issue_bill,), "notice": SIGNED_NOTICE}
    return [
        row(S.AWAITING_SIGNATURES, A.SIGN_AS_BENEFICIARY, S.SIGNED_BY_BENEFICIARY, OWNER,
            notice=SIGNED_BY_BENEFICIARY_NOTICE, **beneficiary),
        row(S.AWAITING_SIGNATURES, A.SIGN_AS_OFFICE, S.SIGNED_BY_OFFICE, OFFICE,
            notice=SIGNED_BY_OFFICE_NOTICE, **office),
        row(S.SIGNED_BY_OFFICE, A.SIGN_AS_BENEFICIARY, S.SIGNED, OWNER,
            **{**beneficiary, "effects": (record_signature, stamp_signed)}, **both),
        row(S.SIGNED_BY_BENEFICIARY, A.SIGN_AS_OFFICE, S.SIGNED, OFFICE,
            **{**office, "effects": (record_signature, stamp_signed)}, **both),
    ]  # fmt: skip


def _stages() -> list[ContractRow]:
    def stage(
        source: str,
        action: str,
        target: str,
        evidence: str,
        button: Text,
        notice: Notice = STAGE_NOTICE,
        **more: Any,
    ) -> ContractRow:
        return row(
            source,
            action,
            target,
            OFFICE,
            evidence=evidence,
            effects=(record_evidence, *more.pop("effects", ())),
            notice=notice,
            timeline=ContractState(target).label,
            button=button,
            **more,
        )

    return [
        stage(S.PAID, A.LINK_VISA, S.VISA_LINKED, Evidence.VISA_NUMBER, _("Visa linked")),
        stage(S.VISA_LINKED, A.TRAVEL_DOCUMENTS, S.TRAVEL_DOCUMENTS_READY, Evidence.DOCUMENT,
              _("Visa stamped, travel documents ready")),
        stage(S.TRAVEL_DOCUMENTS_READY, A.MEDICAL, S.MEDICAL_PASSED, Evidence.DOCUMENT,
              _("Medical check passed")),
        stage(S.MEDICAL_PASSED, A.BOOK_TICKET, S.TICKET_BOOKED, Evidence.FLIGHT,
              _("Ticket booked"), notice=TICKET_NOTICE),
        stage(S.TICKET_BOOKED, A.ARRIVE, S.ARRIVED, Evidence.ARRIVAL, _("The worker arrived"),
              notice=ARRIVED_NOTICE, effects=(record_arrival,)),
    ]  # fmt: skip


def _after_arrival() -> list[ContractRow]:
    completed: dict[str, Any] = {
        "guards": (trial_over,),
        "effects": (release_the_rest,),
        "after_save": (office_told(OFFICE_COMPLETED),),
        "notice": COMPLETED_NOTICE,
        "timeline": _("Completed: the trial period ended"),
    }
    failed: dict[str, Any] = {
        "guards": (within_trial,),
        "effects": (require_reason, trial_failure, close),
        "after_save": (free_the_worker, office_told(OFFICE_TRIAL_FAILED)),
        "notice": TRIAL_FAILED_NOTICE,
        "lock_first": FIRST,
        "timeline": _("Trial failed: the office takes the worker back, refund entered"),
        "owner_timeline": _("You reported that the trial failed; refund entered"),
        "button": _("Report that the trial failed"),
    }
    return [
        row(S.ARRIVED, A.HAND_OVER, S.IN_TRIAL, BENEFICIARY_OR_OFFICE,
            effects=(stamp_handed_over,), notice=TRIAL_NOTICE,
            timeline=_("The worker is with the beneficiary: trial period"),
            owner_timeline=_("The worker is with you: trial period"),
            button=_("The worker is with the beneficiary")),
        row(S.ARRIVED, A.START_TRIAL, S.IN_TRIAL, SYSTEM, guards=(handover_due,),
            effects=(stamp_handed_over,), notice=TRIAL_NOTICE,
            timeline=_("Trial period started")),
        row(S.ARRIVED, A.COMPLETE, S.COMPLETED, SYSTEM, **completed),
        row(S.IN_TRIAL, A.COMPLETE, S.COMPLETED, SYSTEM, **completed),
        row(S.ARRIVED, A.REPORT_TRIAL_FAILURE, S.TRIAL_FAILED, OWNER, **failed),
        row(S.IN_TRIAL, A.REPORT_TRIAL_FAILURE, S.TRIAL_FAILED, OWNER, **failed),
    ]  # fmt: skip


def _clock_and_cancellations() -> list[ContractRow]:
    rows: list[ContractRow] = []
    for state in PRE_ARRIVAL:
        rows += [
            row(state, A.START_EXTENSION, state, SYSTEM, guards=(extension_due,),
                effects=(set_clock(K.EXTENSION),), notice=EXTENSION_NOTICE,
                timeline=_("The 90 days ended: the 30-day extension started")),
            row(state, A.MARK_OVERDUE, state, SYSTEM, guards=(overdue_due,),
                effects=(set_clock(K.OVERDUE),), notice=OVERDUE_NOTICE,
                timeline=_("The extension ended without the worker: cancel with compensation")),
            row(state, A.CANCEL, S.CANCELLED, OWNER, guards=(clock_running,),
                effects=(own_cancellation, close), lock_first=FIRST,
                after_save=(free_the_worker, free_the_visa, office_told(OFFICE_CANCELLED)),
                notice=CANCELLED_NOTICE, timeline=_("Cancelled by the beneficiary by the schedule"),
                owner_timeline=_("You cancelled the contract"), button=_("Cancel the contract")),
            row(state, A.CLAIM, S.CANCELLED_LATE, OWNER, guards=(office_late,),
                effects=(late_cancellation, close), lock_first=FIRST,
                after_save=(free_the_worker, free_the_visa, office_told(OFFICE_CLAIMED)),
                notice=CLAIMED_NOTICE,
                timeline=_("Cancelled because the office was late: refund and compensation entered"),
                owner_timeline=_("You cancelled: refund and compensation entered"),
                button=_("Cancel and claim the compensation")),
        ]  # fmt: skip
    for state in BEFORE_PAYMENT:
        rows += [
            row(state, A.CANCEL, S.CANCELLED, OWNER, effects=(close,), lock_first=FIRST,
                after_save=(void_open_bill, free_the_worker, free_the_visa),
                notice=CANCELLED_UNPAID_NOTICE, timeline=_("Cancelled before payment"),
                owner_timeline=_("You cancelled the contract before paying"),
                button=_("Cancel the contract")),
            row(state, A.LAPSE, S.CANCELLED, SYSTEM, guards=(time_to_respond_passed,),
                effects=(close,), lock_first=FIRST,
                after_save=(void_open_bill, free_the_worker, free_the_visa),
                notice=LAPSED_NOTICE, timeline=_("Cancelled: not signed and paid in time")),
        ]  # fmt: skip
    return rows


def refused(contract: Contract) -> Text:
    return _("This contract cannot do that now (it is “%(state)s”).") % {
        "state": ContractState(contract.state).label
    }


ROWS: list[ContractRow] = [
    *_signatures(),
    row(S.SIGNED, A.PAY, S.PAID, SYSTEM, effects=(start_clock,),
        after_save=(office_told(OFFICE_PAID),), notice=PAID_NOTICE,
        timeline=_("Paid; the platform holds the money; the 90 days run")),
    *_stages(),
    *_after_arrival(),
    *_clock_and_cancellations(),
]  # fmt: skip

CONTRACT_MACHINE: Machine[Contract] = Machine(
    name="contract",
    model=Contract,
    rows=ROWS,
    owner_field="beneficiary",
    refused=refused,
    notice_values=notice_values,
    notice_subject=SUBJECT,
    office_member=office_member,
    labels={
        "contract.created": _("Contract made from the accepted offer"),
        "contract.rated": _("Office rated"),
    },
    owner_labels={
        "contract.created": _("Contract made from the offer you accepted"),
        "contract.rated": _("You rated the office"),
    },
    notify=notify,
)

# The stages the office moves, in the table's order, each with what it must show.
STAGE_ROWS: tuple[ContractRow, ...] = tuple(
    contract_row(r) for r in CONTRACT_MACHINE.rows if contract_row(r).evidence
)
# The states in which the delivery clock may move or the beneficiary cancel before arrival.
PRE_ARRIVAL_STATES = frozenset(PRE_ARRIVAL)
BEFORE_PAYMENT_STATES = frozenset(BEFORE_PAYMENT)
# A contract in progress: paid or being signed, not ended.
IN_PROGRESS_STATES = frozenset({*BEFORE_PAYMENT, *PRE_ARRIVAL, S.ARRIVED, S.IN_TRIAL})
TERMINAL_STATES = CONTRACT_MACHINE.terminal


def stage_row(action: str) -> ContractRow | None:
    """The stage row of ``action`` (its evidence and labels are the stage's)."""
    return next((r for r in STAGE_ROWS if r.action == action), None)
