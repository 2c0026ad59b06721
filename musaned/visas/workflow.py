"""The visa application's state table: (state, action) → (new state, who may do it).

Only ``transition`` in services.py moves an application; it refuses any pair
that is not here with ``InvalidTransition`` (HTTP 409) and changes nothing.
"""

from enum import StrEnum

from musaned.visas.models import VisaState as S


class Actor(StrEnum):
    OWNER = "owner"  # the beneficiary who owns the application
    SYSTEM = "system"  # the platform itself (payment callback, rules engine, timers)
    REVIEWER = "reviewer"  # staff with visas.decide_visaapplication


class Action(StrEnum):
    SUBMIT = "submit"
    SUBMIT_EXEMPT = "submit_exempt"
    PAY = "pay"
    BILL_EXPIRE = "bill_expire"
    ISSUE = "issue"
    REFER = "refer"
    REJECT = "reject"
    APPROVE = "approve"
    DECLINE = "decline"
    RECHECK = "recheck"
    CANCEL = "cancel"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"


TRANSITIONS: dict[tuple[S, Action], tuple[S, Actor]] = {
    (S.DRAFT, Action.SUBMIT): (S.AWAITING_PAYMENT, Actor.OWNER),
    (S.DRAFT, Action.SUBMIT_EXEMPT): (S.PAID, Actor.OWNER),
    (S.DRAFT, Action.WITHDRAW): (S.WITHDRAWN, Actor.OWNER),
    (S.AWAITING_PAYMENT, Action.PAY): (S.PAID, Actor.SYSTEM),
    (S.AWAITING_PAYMENT, Action.BILL_EXPIRE): (S.DRAFT, Actor.SYSTEM),
    (S.PAID, Action.ISSUE): (S.ISSUED, Actor.SYSTEM),
    (S.PAID, Action.REFER): (S.IN_REVIEW, Actor.SYSTEM),
    (S.PAID, Action.REJECT): (S.REJECTED, Actor.SYSTEM),
    (S.IN_REVIEW, Action.APPROVE): (S.ISSUED, Actor.REVIEWER),
    (S.IN_REVIEW, Action.DECLINE): (S.REJECTED, Actor.REVIEWER),
    (S.REJECTED, Action.RECHECK): (S.PAID, Actor.OWNER),
    (S.ISSUED, Action.CANCEL): (S.CANCELLED, Actor.OWNER),
    (S.ISSUED, Action.EXPIRE): (S.EXPIRED, Actor.SYSTEM),
}

EDITABLE_STATES = frozenset({S.DRAFT})
TERMINAL_STATES = frozenset(
    {state for state in S if not any(src == state for src, _ in TRANSITIONS)}
)
# States that count against the number of visas a person may hold.
ACTIVE_STATES = frozenset({S.AWAITING_PAYMENT, S.PAID, S.IN_REVIEW, S.ISSUED})


def target(state: str, action: Action) -> tuple[S, Actor] | None:
    return TRANSITIONS.get((S(state), action))
