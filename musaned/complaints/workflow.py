"""The complaint's state table: (state, action) → (new state, who may do it).

Staff actions name the permission they need; the service checks it. ``answer`` and
``reassign`` keep the state (a message, or a new officer) but are in the table so the
same check covers them.
"""

from enum import StrEnum

from musaned.complaints.models import ComplaintState as S
from musaned.complaints.models import MessageKind


class Action(StrEnum):
    TAKE = "take"
    ANSWER = "answer"
    ASK_INFO = "ask_info"
    REPLY = "reply"
    RESOLVE = "resolve"
    REJECT = "reject"
    ESCALATE = "escalate"
    REASSIGN = "reassign"
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
    (S.SUBMITTED, Action.REASSIGN): (S.IN_REVIEW, SUPERVISE),
    (S.IN_REVIEW, Action.ANSWER): (S.IN_REVIEW, HANDLE),
    (S.IN_REVIEW, Action.ASK_INFO): (S.WAITING, HANDLE),
    (S.IN_REVIEW, Action.RESOLVE): (S.RESOLVED, HANDLE),
    (S.IN_REVIEW, Action.REJECT): (S.REJECTED, HANDLE),
    (S.IN_REVIEW, Action.ESCALATE): (S.ESCALATED, SYSTEM),
    (S.IN_REVIEW, Action.REASSIGN): (S.IN_REVIEW, SUPERVISE),
    (S.WAITING, Action.REPLY): (S.IN_REVIEW, OWNER),
    (S.WAITING, Action.REASSIGN): (S.WAITING, SUPERVISE),
    (S.ESCALATED, Action.TAKE): (S.IN_REVIEW, SUPERVISE),
    (S.ESCALATED, Action.RESOLVE): (S.RESOLVED, SUPERVISE),
    (S.ESCALATED, Action.REJECT): (S.REJECTED, SUPERVISE),
    (S.ESCALATED, Action.REASSIGN): (S.IN_REVIEW, SUPERVISE),
    (S.RESOLVED, Action.REOPEN): (S.IN_REVIEW, OWNER),
    (S.RESOLVED, Action.CLOSE): (S.CLOSED, SYSTEM),
}

# What each action writes into the conversation; the actions listed must carry a message.
MESSAGE_KIND: dict[Action, MessageKind] = {
    Action.ANSWER: MessageKind.ANSWER,
    Action.ASK_INFO: MessageKind.INFO_REQUEST,
    Action.REPLY: MessageKind.REPLY,
    Action.RESOLVE: MessageKind.RESOLUTION,
    Action.REJECT: MessageKind.REJECTION,
    Action.REOPEN: MessageKind.REPLY,
}
MESSAGE_REQUIRED = frozenset(MESSAGE_KIND) - {Action.REOPEN}

# Actions that count as the first answer to the beneficiary.
ANSWERING = frozenset({Action.ANSWER, Action.ASK_INFO, Action.RESOLVE, Action.REJECT})

# Complaints whose clocks are running (the escalation job looks at these). While the
# officer waits for the beneficiary the clock is paused.
CLOCK_STATES = frozenset({S.SUBMITTED, S.IN_REVIEW})
OPEN_STATES = frozenset({S.SUBMITTED, S.IN_REVIEW, S.WAITING, S.ESCALATED})
TERMINAL_STATES = frozenset(
    {state for state in S if not any(src == state for src, _ in TRANSITIONS)}
)


def target(state: str, action: Action) -> tuple[S, str] | None:
    return TRANSITIONS.get((S(state), action))


def actions_for(state: str) -> list[Action]:
    return [action for (src, action) in TRANSITIONS if src == state]
