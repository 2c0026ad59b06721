"""The bill's state table: (state, action) → new state.

Every action is taken by the platform itself (the provider's callback, the
expiry job) or by a caller that has already checked who may do it (a refund).
Only ``services.py`` moves a bill, and only along a pair listed here.
"""

from enum import StrEnum

from musaned.payments.models import BillState as S


class Action(StrEnum):
    PAY = "pay"  # the provider's signed callback
    EXPIRE = "expire"  # the expiry job, once due_at has passed
    REFUND = "refund"  # money back through the gateway


TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.UNPAID, Action.PAY): S.PAID,
    (S.UNPAID, Action.EXPIRE): S.EXPIRED,
    (S.PAID, Action.REFUND): S.REFUNDED,
}

OPEN_STATES = frozenset({S.UNPAID, S.PAID})
TERMINAL_STATES = frozenset(
    {state for state in S if not any(src == state for src, _ in TRANSITIONS)}
)


def target(state: str, action: Action) -> S | None:
    return TRANSITIONS.get((S(state), action))
