"""The complaint's state table: (state, action) → (new state, who may do it).

Staff actions name the permission they need; the service checks it.
"""

from enum import StrEnum

from musaned.complaints.models import ComplaintState as S


class Action(StrEnum):
    TAKE = "take"
    ASK_INFO = "ask_info"
    REPLY = "reply"
    RESOLVE = "resolve"
    REJECT = "reject"
    ESCALATE = "escalate"
    REOPEN = "reopen"
    CLOSE = "close"


OWNER = "owner"
SYSTEM = "system"
HANDLE = "complaints.handle_complaint"
SUPERVISE = "complaints.supervise_complaint"

TRANSITIONS: dict[tuple[S, Action], tuple[S, str]] = {
    (S.SUBMITTED, Action.TAKE): (S.IN_REVIEW, HANDLE),
    (S.SUBMITTED, Action.REJECT): (S.REJECTED, HANDLE),
    (S.SUBMITTED, Action.ESCALATE): (S.ESCALATED, SYSTEM),
    (S.IN_REVIEW, Action.ASK_INFO): (S.WAITING, HANDLE),
    (S.IN_REVIEW, Action.RESOLVE): (S.RESOLVED, HANDLE),
    (S.IN_REVIEW, Action.REJECT): (S.REJECTED, HANDLE),
    (S.IN_REVIEW, Action.ESCALATE): (S.ESCALATED, SYSTEM),
    (S.WAITING, Action.REPLY): (S.IN_REVIEW, OWNER),
    (S.WAITING, Action.ESCALATE): (S.ESCALATED, SYSTEM),
    (S.ESCALATED, Action.TAKE): (S.IN_REVIEW, SUPERVISE),
    (S.ESCALATED, Action.RESOLVE): (S.RESOLVED, SUPERVISE),
    (S.RESOLVED, Action.REOPEN): (S.IN_REVIEW, OWNER),
    (S.RESOLVED, Action.CLOSE): (S.CLOSED, SYSTEM),
}

# Complaints whose clocks are running (the escalation job looks at these).
OPEN_STATES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.WAITING})
TERMINAL_STATES = frozenset(
    {state for state in S if not any(src == state for src, _ in TRANSITIONS)}
)


def target(state: str, action: Action) -> tuple[S, str] | None:
    return TRANSITIONS.get((S(state), action))
