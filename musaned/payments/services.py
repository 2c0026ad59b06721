"""Every write to bills: creation, the provider's payment callback, refunds, expiry.

Each function runs in one transaction (a savepoint inside the caller's, where
there is one). A bill changes state only through ``musaned.core.workflow.transition``
along the rows of ``workflow.py``, which writes the audit row and runs the subject's
handler inside the same transaction, so a bill and what it pays for never disagree.
Locks come from ``musaned.core.locks``, the subject's row before the bill's. Money is
``Decimal``, never float.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from musaned.core import json_input, locks
from musaned.core.audit import audit
from musaned.core.numbering import unique_number
from musaned.core.workflow import transition
from musaned.payments import selectors
from musaned.payments.errors import (  # noqa: F401 (re-exported for callers)
    BillNotFound,
    CallbackUnauthorized,
    GatewayUnavailable,
    PaymentConflict,
    PaymentError,
    PaymentErrorCode,
    payment_error,
)
from musaned.payments.gateway import GatewayError, get_gateway
from musaned.payments.handlers import handler_for, subject_type_of
from musaned.payments.models import (
    BILL_NUMBER_LENGTH,
    Bill,
    BillState,
    PaymentEvent,
    PaymentEventKind,
    PaymentMethod,
)
from musaned.payments.signatures import signature_ok, timestamp_fresh
from musaned.payments.workflow import MACHINE, OPEN_STATES, Action, subject_first

if TYPE_CHECKING:
    # The person: payments sits beside accounts, not above it (pyproject.toml's layers).
    from django.contrib.auth.models import AbstractUser as User

logger = logging.getLogger(__name__)

C = PaymentErrorCode
MAX_AMOUNT = Decimal("99999999.99")  # what Decimal(10, 2) holds
_BILL_NUMBER = re.compile(rf"[0-9]{{{BILL_NUMBER_LENGTH}}}")
_EVENT_ID = re.compile(r"[A-Za-z0-9._:\-]{1,100}")


def _money(value: Any) -> Decimal:
    """A positive amount with at most two decimals; raises ``PaymentError`` otherwise."""
    if isinstance(value, bool | float):
        raise payment_error(C.INVALID_AMOUNT)
    try:
        amount = Decimal(str(value)) if isinstance(value, int | str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise payment_error(C.INVALID_AMOUNT) from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise payment_error(C.INVALID_AMOUNT)
    if amount != amount.quantize(Decimal("0.01")):
        raise payment_error(C.INVALID_AMOUNT)
    return amount.quantize(Decimal("0.01"))


# --- Creating a bill ---------------------------------------------------------------


def bill_create(
    *, owner: User, subject: models.Model, amount: Decimal, description: str, due_at: datetime
) -> Bill:
    """Issue a bill for ``subject`` and register it with the payment gateway.

    Runs inside the caller's transaction (as a savepoint), so a caller that
    fails afterwards leaves no bill behind. A subject may have only one open
    (unpaid or paid) bill: a double submit gets ``PaymentConflict``
    (``open_bill_exists``) instead of a second charge.

    Raises ``PaymentError`` (invalid amount or due date, open bill exists,
    gateway unavailable) and ``ImproperlyConfigured`` when no handler is
    registered for the subject's type. Audit: ``bill.created``.
    """
    subject_type = subject_type_of(subject)
    handler_for(subject_type)  # a bill nobody can act on when paid is a bug: fail now
    if subject.pk is None:
        raise ValueError("bill_create needs a saved subject")
    description = description.strip()
    if not description or len(description) > 200:
        raise ValueError("a bill's description has 1 to 200 characters")
    amount = _money(amount)
    if timezone.is_naive(due_at) or due_at <= timezone.now():
        raise payment_error(C.INVALID_DUE_DATE)
    subject_id = str(subject.pk)
    open_bills = Bill.objects.filter(
        subject_type=subject_type, subject_id=subject_id, state__in=OPEN_STATES
    )
    gateway = get_gateway()
    try:
        with transaction.atomic():
            if open_bills.exists():
                raise payment_error(C.OPEN_BILL_EXISTS)
            bill = Bill.objects.create(
                number=unique_number(
                    BILL_NUMBER_LENGTH, lambda n: Bill.objects.filter(number=n).exists()
                ),
                # AUTH_USER_MODEL's class, which payments may not import (it sits beside
                # accounts, not above it: pyproject.toml's layers).
                owner=owner,  # type: ignore[misc]
                subject_type=subject_type,
                subject_id=subject_id,
                description=description,
                amount=amount,
                due_at=due_at,
            )
            try:
                bill.provider_reference = gateway.register_bill(bill)
            except GatewayError as exc:
                logger.warning("The gateway refused bill registration: %s", exc)
                raise payment_error(C.GATEWAY_UNAVAILABLE) from exc
            bill.save(update_fields=["provider_reference", "updated_at"])
            audit(
                "bill.created",
                actor=owner,
                target=bill,
                number=bill.number,
                amount=str(bill.amount),
                subject_type=subject_type,
                subject_id=subject_id,
                due_at=bill.due_at.isoformat(),
                provider_reference=bill.provider_reference,
            )
    except IntegrityError:
        # Lost a race with another bill for the same subject (the partial unique constraint).
        if open_bills.exists():
            raise payment_error(C.OPEN_BILL_EXISTS) from None
        raise
    return bill


# --- The provider's payment callback ---------------------------------------------


@dataclass(frozen=True)
class CallbackResult:
    bill: Bill
    applied: bool  # False: a copy of an event that was already applied; nothing changed


@dataclass(frozen=True)
class _Payment:
    event_id: str
    bill_number: str
    amount: Decimal
    paid_at: datetime
    payload: dict
    method: str = PaymentMethod.SADAD


def _parse_payment(raw_body: bytes) -> _Payment:
    try:
        text = raw_body.decode("utf-8")
        # Nesting depth and NUL/surrogates checked first (a ValueError: malformed).
        data = json_input.loads(text, parse_float=Decimal)
        payload = json.loads(text)
    except (UnicodeDecodeError, ValueError):
        raise payment_error(C.MALFORMED) from None
    if not isinstance(data, dict):
        raise payment_error(C.MALFORMED)
    if "kind" in data and data["kind"] != PaymentEventKind.PAYMENT:
        raise payment_error(C.UNSUPPORTED_KIND)
    event_id, number = data.get("event_id"), data.get("bill_number")
    paid_at = data.get("paid_at")
    if not (
        data.get("kind") == PaymentEventKind.PAYMENT
        and isinstance(event_id, str)
        and _EVENT_ID.fullmatch(event_id)
        and isinstance(number, str)
        and _BILL_NUMBER.fullmatch(number)
        and isinstance(paid_at, str)
        and isinstance(data.get("amount"), str | int | Decimal)
    ):
        raise payment_error(C.MALFORMED)
    try:
        paid_at = parse_datetime(paid_at)
        amount = _money(data["amount"])
    except (ValueError, PaymentError):
        raise payment_error(C.MALFORMED) from None
    if paid_at is None or timezone.is_naive(paid_at):
        raise payment_error(C.MALFORMED)
    # How the payer paid; a provider that only knows SADAD leaves it out.
    method = data.get("method", PaymentMethod.SADAD)
    if method not in PaymentMethod.values:
        raise payment_error(C.MALFORMED)
    return _Payment(event_id, number, amount, paid_at, payload, method)


def _claimed(raw_body: bytes) -> dict[str, str]:
    """What an (unverified) body says it is about, for the audit row of a rejection."""
    try:
        data = json_input.loads(raw_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    keys = ("event_id", "bill_number", "amount", "kind")
    return {key: str(data[key])[:100] for key in keys if isinstance(data.get(key), str | int)}


def bill_payment_callback(*, raw_body: bytes, timestamp: str, signature: str) -> Bill:
    """Verify and apply one payment callback from the provider; returns the bill.

    See ``bill_payment_callback_apply``, which also says whether the callback
    changed anything or was a copy of an event already applied.
    """
    return bill_payment_callback_apply(
        raw_body=raw_body, timestamp=timestamp, signature=signature
    ).bill


def bill_payment_callback_apply(
    *, raw_body: bytes, timestamp: str, signature: str
) -> CallbackResult:
    """Verify and apply one payment callback from the provider.

    Checks, in order: the HMAC-SHA256 signature over ``f"{timestamp}."`` + the
    raw body (constant-time); the timestamp within ±5 minutes; the body's
    shape; then, with the bill row locked: the bill exists, the event id is new
    (a copy of an applied event returns ``applied=False`` and changes nothing),
    the amount is the bill's, the bill is unpaid and was paid by its due time.

    Then the bill becomes paid, the event is stored (its id is unique), the
    ``bill.paid`` audit row is written and the subject's ``on_paid(bill)``
    runs, all in one transaction: if ``on_paid`` raises, nothing is kept and
    the exception propagates (the view answers 500, the provider retries).

    Raises ``PaymentError`` (401 signature/timestamp, 400 malformed, 404
    unknown bill, 409 conflicts); each refusal changes nothing and is audited
    as ``bill.callback_rejected`` with its reason code.
    """
    try:
        if not signature_ok(settings.PAYMENT_WEBHOOK_SECRET, timestamp, raw_body, signature):
            raise payment_error(C.BAD_SIGNATURE)
        if not timestamp_fresh(timestamp, now=timezone.now().timestamp()):
            raise payment_error(C.STALE_TIMESTAMP)
        payment = _parse_payment(raw_body)
        with transaction.atomic():
            return _apply_payment(payment)
    except PaymentError as error:
        _audit_rejection(error, raw_body)
        raise


def _locked(bill: Bill) -> Bill:
    """The bill read again under a lock, after its subject's row (core/locks.py's order:
    the subject's handler, which runs inside, locks the subject; a visa cancellation
    locks the application, then refunds its bill)."""
    locks.lock_all(subject_first(bill))
    return locks.lock(bill)


def _apply_payment(payment: _Payment) -> CallbackResult:
    found = selectors.bill_by_number(payment.bill_number)  # not locked yet: the subject first
    if found is None:
        raise payment_error(C.UNKNOWN_BILL)
    bill = _locked(found)
    # Read after taking the lock: a concurrent copy that held it has committed its event.
    applied = PaymentEvent.objects.filter(provider_event_id=payment.event_id).first()
    if applied is not None:
        if (
            applied.bill_id == bill.pk
            and applied.kind == PaymentEventKind.PAYMENT
            and applied.amount == payment.amount
        ):
            audit("bill.callback_duplicate", target=bill, event_id=payment.event_id)
            return CallbackResult(bill=bill, applied=False)
        raise payment_error(C.EVENT_CONFLICT)
    if payment.amount != bill.amount:
        raise payment_error(C.AMOUNT_MISMATCH)
    if bill.state == BillState.EXPIRED or (
        bill.state == BillState.UNPAID and payment.paid_at > bill.due_at
    ):
        raise payment_error(C.BILL_EXPIRED)
    if MACHINE.row(bill.state, Action.PAY) is None:
        raise payment_error(C.ALREADY_PAID)
    bill = transition(
        obj=bill,
        action=Action.PAY,
        actor=None,
        event_id=payment.event_id,
        amount=payment.amount,
        paid_at=payment.paid_at,
        method=payment.method,
        message=payment.payload,
    )
    return CallbackResult(bill=bill, applied=True)


def _audit_rejection(error: PaymentError, raw_body: bytes) -> None:
    claimed = _claimed(raw_body)
    number = claimed.get("bill_number", "")
    with transaction.atomic():
        bill = (
            Bill.objects.filter(number=number).first() if _BILL_NUMBER.fullmatch(number) else None
        )
        audit(
            "bill.callback_rejected",
            target=bill,
            reason=error.code,
            **claimed,
        )
    logger.warning("Payment callback rejected: %s (bill %s)", error.code, number or "-")


# --- Refunds -----------------------------------------------------------------------


def bill_refund(*, bill: Bill, actor: User | None, reason: str) -> Bill:
    """Give a paid bill's money back through the gateway; returns the refreshed bill.

    Who may: the bill's owner (cancelling what it paid for, in the visas app), the
    platform itself (``actor=None``), or staff with ``payments.refund_bill``; anyone else
    gets ``InvalidTransition`` (409). The bill row stays locked while the gateway
    answers, so two refunds cannot both go through; if the gateway fails, nothing
    changes (``PaymentError``, ``gateway_unavailable``). Raises ``PaymentConflict``
    (``not_paid``) for a bill that is not paid. Stores a ``refund`` event; audit:
    ``bill.refunded`` with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise payment_error(C.REASON_REQUIRED)
    with transaction.atomic():
        locked = _locked(bill)
        if MACHINE.row(locked.state, Action.REFUND) is None:
            raise payment_error(C.NOT_PAID)
        return transition(obj=locked, action=Action.REFUND, actor=actor, reason=reason)


# --- Expiry ------------------------------------------------------------------------


def bills_expire(*, now: datetime | None = None) -> int:
    """Expire every unpaid bill whose due time has passed; returns how many.

    Each bill is expired in its own transaction, its subject's row and then its own
    locked, and its subject's ``on_expired(bill)`` runs inside it. A bill whose lock (or
    whose subject's) is held — a payment callback is being applied — is skipped and
    looked at on the next run; a bill whose ``on_expired`` raises stays unpaid, is
    logged, and is retried on the next run. Safe to run twice, or from two machines at
    once. Audit: ``bill.expired``.
    """
    now = now or timezone.now()
    due = Bill.objects.filter(state=BillState.UNPAID, due_at__lt=now)
    expired = 0
    for pk in list(due.order_by("due_at", "pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                bill = _locked_unless_busy(due.filter(pk=pk))
                if bill is None:
                    continue  # paid or expired meanwhile, or being paid right now
                transition(obj=bill, action=Action.EXPIRE, actor=None)
        except Exception:
            logger.exception("Bill %s could not be expired; the next run retries it.", pk)
            continue
        expired += 1
    return expired


def _locked_unless_busy(bills: models.QuerySet[Bill]) -> Bill | None:
    """The one bill of ``bills``, locked after its subject, or ``None`` when it is gone
    from ``bills`` or another transaction holds either row (it is not waited for)."""
    found = bills.first()
    if found is None:
        return None
    for subject in subject_first(found):
        held = type(subject)._default_manager.filter(pk=subject.pk)
        if locks.lock_where(held, skip_locked=True) is None:
            return None
    return locks.lock_where(bills, skip_locked=True)
