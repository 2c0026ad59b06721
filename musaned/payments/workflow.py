"""The bill's workflow: one row per ``(state, action)``, moved only by
``musaned.core.workflow.transition`` (docs/payments.md, "Bills").

| from | action | to | who | audit |
|---|---|---|---|---|
| unpaid | pay | paid | the platform (the provider's signed callback) | ``bill.paid`` |
| unpaid | expire | expired | the platform (the expiry job, once ``due_at`` passed) | ``bill.expired`` |
| paid | refund | refunded | the bill's owner, the platform, or ``payments.refund_bill`` | ``bill.refunded`` |

Every row locks the bill's subject (the visa application it pays for) before the bill,
the order ``core/locks.py`` documents, because the subject's handler, which runs inside
the same transaction, moves the subject. The services check what a callback or a
refund must be before a row is taken (``services.py``), with their own error codes.
"""

import logging
from enum import StrEnum

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from musaned.core.workflow import OWNER, SYSTEM, Machine, Row, Step, staff
from musaned.payments.errors import PaymentErrorCode, payment_error
from musaned.payments.gateway import GatewayError, get_gateway
from musaned.payments.handlers import handler_for, subject_row
from musaned.payments.models import Bill, BillState, PaymentEvent, PaymentEventKind, PaymentMethod
from musaned.payments.permissions import REFUND_BILLS

logger = logging.getLogger(__name__)

S = BillState


class Action(StrEnum):
    PAY = "pay"  # the provider's signed callback
    EXPIRE = "expire"  # the expiry job, once due_at has passed
    REFUND = "refund"  # money back through the gateway


def subject_first(bill: Bill) -> list[models.Model]:
    """The row of what the bill pays for, locked before the bill."""
    return [subject_row(bill)]


# --- Effects -------------------------------------------------------------------------------


def record_payment(step: Step[Bill]) -> None:
    """The provider's payment: its time on the bill, its event stored once (the event id
    is unique), and what the audit row keeps of it."""
    bill, payment = step.obj, step.payload
    step.set("paid_at", payment["paid_at"])
    step.set("paid_with", payment.get("method", PaymentMethod.SADAD))
    try:
        with transaction.atomic():
            PaymentEvent.objects.create(
                provider_event_id=payment["event_id"],
                bill=bill,
                kind=PaymentEventKind.PAYMENT,
                amount=payment["amount"],
                payload=payment["message"],
            )
    except IntegrityError:
        # Only reachable without row locks (the event id was taken in between).
        raise payment_error(PaymentErrorCode.EVENT_CONFLICT) from None
    step.note(
        event_id=payment["event_id"],
        amount=str(payment["amount"]),
        paid_at=payment["paid_at"].isoformat(),
        method=payment.get("method", PaymentMethod.SADAD),
        subject_type=bill.subject_type,
        subject_id=bill.subject_id,
    )


def tell_subject_paid(step: Step[Bill]) -> None:
    """The subject's ``on_paid(bill)``, which sees the bill paid; if it raises, nothing
    is kept and the provider retries."""
    handler_for(step.obj.subject_type).on_paid(step.obj)


def note_due(step: Step[Bill]) -> None:
    step.note(due_at=step.obj.due_at.isoformat())


def tell_subject_expired(step: Step[Bill]) -> None:
    on_expired = handler_for(step.obj.subject_type).on_expired
    if on_expired is not None:
        on_expired(step.obj)


def refund_at_gateway(step: Step[Bill]) -> None:
    """The money back through the gateway while the bill stays locked (two refunds cannot
    both go through); a gateway failure refuses, and nothing changes."""
    bill = step.obj
    try:
        reference = get_gateway().refund(bill)
    except GatewayError as exc:
        logger.warning("The gateway refused the refund of bill %s: %s", bill.number, exc)
        raise payment_error(PaymentErrorCode.GATEWAY_UNAVAILABLE) from exc
    step.set("refunded_at", step.now)
    PaymentEvent.objects.create(
        provider_event_id=reference,
        bill=bill,
        kind=PaymentEventKind.REFUND,
        amount=bill.amount,
        payload={"refund_reference": reference},
    )
    step.note(amount=str(bill.amount), refund_reference=reference)


# --- The table -------------------------------------------------------------------------------

MACHINE: Machine[Bill] = Machine(
    name="bill",
    model=Bill,
    rows=[
        Row(
            S.UNPAID,
            Action.PAY,
            S.PAID,
            SYSTEM,
            effects=(record_payment,),
            after_save=(tell_subject_paid,),
            lock_first=subject_first,
            audit_action="bill.paid",
        ),
        Row(
            S.UNPAID,
            Action.EXPIRE,
            S.EXPIRED,
            SYSTEM,
            effects=(note_due,),
            after_save=(tell_subject_expired,),
            lock_first=subject_first,
            audit_action="bill.expired",
            timeline=_("Bill expired unpaid"),
        ),
        Row(
            S.PAID,
            Action.REFUND,
            S.REFUNDED,
            (OWNER, SYSTEM, staff(REFUND_BILLS)),
            effects=(refund_at_gateway,),
            lock_first=subject_first,
            audit_action="bill.refunded",
            timeline=_("Fee refunded"),
        ),
    ],
    # The bill's audit rows said old_state/new_state before the core existed.
    audit_state_keys=("old_state", "new_state"),
)

# A subject has at most one open (unpaid or paid) bill (the database says so too).
OPEN_STATES = MACHINE.open
TERMINAL_STATES = MACHINE.terminal
