"""The contract made from the accepted offer and everything that happens to it
(docs/recruitment.md, "The contract"): the two e-signatures (the beneficiary's checked
with an SMS code), the payment held by the platform, the office's stages with their
evidence, the handover, cancellations and the trial, the rating. Each moves the contract
only through a row of ``workflow/contract.py``; the money moves in the same transaction
(``services/ledger.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from musaned.accounts.models import CodePurpose, OneTimeCode, User
from musaned.accounts.services.codes import code_send, code_verify_then
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.errors import InvalidTransition
from musaned.core.numbering import unique_number
from musaned.core.workflow import transition
from musaned.offices.ceilings import vat_rate_on, with_vat
from musaned.payments.models import Bill
from musaned.recruitment import deadlines, selectors
from musaned.recruitment.documents import document_for, fingerprint
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import (
    CONTRACT_NUMBER_LENGTH,
    Contract,
    ContractState,
    DeliveryClock,
    Offer,
    RecruitmentRequest,
    StageEvidence,
)
from musaned.recruitment.workflow.contract import (
    CONTRACT_MACHINE,
    Action,
    phase,
    request_and_offer_first,
    stage_row,
)

RATEABLE_STATES = frozenset(
    {ContractState.COMPLETED, ContractState.TRIAL_FAILED, ContractState.CANCELLED_LATE}
)


def contract_create(*, request: RecruitmentRequest, offer: Offer, actor: User) -> Contract:
    """The contract of an accepted offer (inside ``offer_accept``'s transaction): the
    parties, the worker, the salary, the price with the VAT rate in force, the version of
    the standard contract in force, and its document with the document's SHA-256. Both
    parties sign and the beneficiary pays by ``respond_by``. Audit: ``contract.created``."""
    terms = selectors.terms_in_force()
    now = timezone.now()
    rate = vat_rate_on()
    vat_rate = rate.rate if rate is not None else Decimal("0")
    total = with_vat(offer.price, rate)
    vat = total - offer.price
    number = unique_number(
        CONTRACT_NUMBER_LENGTH, lambda n: Contract.objects.filter(number=n).exists(), prefix="7"
    )
    document = document_for(
        number=number,
        request=request,
        offer=offer,
        office=offer.office,
        terms=terms,
        vat_rate=vat_rate,
        vat=vat,
        total=total,
        made_on=timezone.localdate(now).isoformat(),
    )
    contract = Contract.objects.create(
        number=number,
        request=request,
        offer=offer,
        beneficiary=request.owner,
        office=offer.office,
        visa=request.visa,
        terms=terms,
        occupation=request.occupation,
        worker_name=offer.full_name,
        passport_number=offer.passport_number,
        worker_nationality=offer.nationality,
        monthly_salary=offer.monthly_salary,
        price=offer.price,
        vat_rate=vat_rate,
        vat=vat,
        total=total,
        document=document,
        document_hash=fingerprint(document),
        respond_by=deadlines.respond_by(accepted_at=now, terms=terms),
    )
    audit(
        "contract.created",
        actor=actor,
        target=contract,
        number=number,
        request=request.number,
        offer=str(offer.uid),
        office=offer.office_id,
        total=str(total),
        terms=terms.version,
        document_hash=contract.document_hash,
    )
    return contract


# --- Signing ----------------------------------------------------------------------------


def _may(contract: Contract, action: str, actor: User) -> None:
    """Refuse now (409, or the row's guard) what the table would refuse, before a code is
    sent or used (read afresh: the caller's copy may be stale)."""
    contract = Contract.objects.select_related("office", "terms").get(pk=contract.pk)
    row = CONTRACT_MACHINE.row(contract.state, action)
    if row is None or not CONTRACT_MACHINE.may(row, contract, actor):
        raise InvalidTransition("invalid_transition", CONTRACT_MACHINE.refused_message(contract))
    refusal = CONTRACT_MACHINE.refusal(row, contract, actor)
    if refusal is not None:
        raise refusal


def contract_signature_code_send(*, contract: Contract, actor: User, attempt: str) -> OneTimeCode:
    """Send the beneficiary the SMS code that signs the contract (bound to ``attempt``, the
    browser session's or API client's token). Refused (409) when the beneficiary may not
    sign now; the code limits are the accounts app's (``AccountError``). Audit:
    ``code.sent``."""
    _may(contract, Action.SIGN_AS_BENEFICIARY, actor)
    return code_send(user=actor, purpose=CodePurpose.SIGNATURE, attempt=attempt)


def contract_sign_as_beneficiary(
    *, contract: Contract, actor: User, attempt: str, code: str
) -> Contract:
    """The beneficiary signs with the SMS code sent for it: the code is checked and used
    up, then the signature (the document's SHA-256, the time, the signer) is written and
    the contract moves, in one transaction. A wrong or expired code is ``AccountError``
    (a wrong try counts); a refusal of the row leaves the code usable. When the office has
    signed already, the contract is signed and its bill issued."""
    _may(contract, Action.SIGN_AS_BENEFICIARY, actor)
    return code_verify_then(
        purpose=CodePurpose.SIGNATURE,
        attempt=attempt,
        code=code,
        user=actor,
        on_match=lambda: transition(
            obj=contract, action=Action.SIGN_AS_BENEFICIARY, actor=actor, method="sms_code"
        ),
    )


def contract_sign_as_office(*, contract: Contract, actor: User) -> Contract:
    """The office's manager signs, from the office portal (signed in with the sign-in
    code): ``managers_only`` (403) for anyone else of the office."""
    return transition(
        obj=contract, action=Action.SIGN_AS_OFFICE, actor=actor, method="office_session"
    )


# --- Payment ------------------------------------------------------------------------------


def contract_paid(bill: Bill) -> None:
    """The payment port's handler, inside the callback's transaction (which locked the
    contract before the bill): the money is held, the delivery clock starts."""
    contract = locks.lock_pk(Contract, int(bill.subject_id))
    transition(obj=contract, action=Action.PAY, actor=None, bill=bill)


# --- Stages -------------------------------------------------------------------------------


def contract_stage_record(
    *, contract: Contract, actor: User, action: str, **evidence: Any
) -> Contract:
    """The office moves the contract to its next stage with the evidence the stage needs
    (``workflow/contract.py``'s ``STAGE_ROWS``): ``number`` and/or ``document`` (a file,
    checked like every upload), ``flight_number`` and ``flight_date``, ``arrival_date`` and
    ``arrival_point``. A document stored for a stage that is then refused is removed.
    Raises ``InvalidTransition`` (409: not the next stage, not the office's contract) and
    ``RecruitmentError`` (what the evidence lacks, on its field)."""
    if stage_row(action) is None:
        raise InvalidTransition("invalid_transition", CONTRACT_MACHINE.refused_message(contract))
    written: list[str] = []
    try:
        with transaction.atomic():
            return transition(obj=contract, action=action, actor=actor, written=written, **evidence)
    except BaseException:
        storage = StageEvidence.document.field.storage
        for name in written:
            storage.delete(name)
        raise


def contract_hand_over(*, contract: Contract, actor: User) -> Contract:
    """The beneficiary (or the office) says the worker is with her employer: the trial
    period shows as running (it counts from the arrival date either way)."""
    return transition(obj=contract, action=Action.HAND_OVER, actor=actor)


# --- The ways a contract ends -----------------------------------------------------------------


def contract_cancel(*, contract: Contract, actor: User, reason: str = "") -> Contract:
    """The beneficiary cancels before the worker arrives. Before payment: nothing to pay
    back (an unpaid bill is voided). After payment, while the office is within its 90
    days: by the schedule (the office keeps the day's share). Once the office is late
    (the extension, or after it): the claim, refund and compensation entered at once.
    Which one is the calendar's on the day (``workflow.contract.phase``), read with the
    contract locked: a clocks command that ran late changes nothing of it."""
    with transaction.atomic():
        locks.lock_all(request_and_offer_first(contract))
        locked = locks.lock(contract)
        late = phase(locked) in (DeliveryClock.EXTENSION, DeliveryClock.OVERDUE)
        return transition(
            obj=locked, action=Action.CLAIM if late else Action.CANCEL, actor=actor, reason=reason
        )


def contract_report_trial_failure(*, contract: Contract, actor: User, reason: str) -> Contract:
    """The beneficiary reports, within the trial, that it failed (``reason`` required): the
    office takes the worker back and the days not served are refunded at once."""
    return transition(obj=contract, action=Action.REPORT_TRIAL_FAILURE, actor=actor, reason=reason)


def contract_rate(*, contract: Contract, actor: User, rating: int) -> Contract:
    """The beneficiary rates the office once, after the contract ended (completed, trial
    failed, or cancelled because the office was late). Raises ``RecruitmentError``:
    ``rating_range``, ``not_rateable`` (409), ``not_found`` (not theirs). Audit:
    ``contract.rated``."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise recruitment_error(Code.RATING_RANGE, field="rating")
    with transaction.atomic():
        locked = locks.lock(contract)
        if locked.beneficiary_id != actor.pk:
            raise recruitment_error(Code.NOT_FOUND)
        if locked.state not in RATEABLE_STATES or locked.rating is not None:
            raise recruitment_error(Code.NOT_RATEABLE)
        locked.rating, locked.rated_at = rating, timezone.now()
        locked.save(update_fields=["rating", "rated_at", "updated_at"])
        audit("contract.rated", actor=actor, target=locked, rating=rating)
    return locked
