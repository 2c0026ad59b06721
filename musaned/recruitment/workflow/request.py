"""The recruitment request's workflow and that of its rows for each office, as rows of the
one core (``musaned/core/workflow.py``; docs/recruitment.md, "The tables").

    awaiting_visa ──send (the visa is issued)──▶ sent ──an offer──▶ offered ──accept──▶ accepted
         │  └─reject (the visa is not)──▶ rejected    │               ├─decline all──▶ declined
         └─cancel──▶ cancelled ◀──cancel──────────────┴───────────────┤
                                    sent/offered ──expire (job)──▶ expired
                accepted ──contract cancelled before arrival──▶ cancelled (the visa is free)

A request held an issued visa already: it is sent at once (the offices answer within 2
working days); otherwise it waits for the visa made for it (7 working days once sent).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.core.errors import ApplicationError
from musaned.core.workflow import (
    OFFICE,
    OWNER,
    SYSTEM,
    Actor,
    Formatted,
    Machine,
    Notice,
    Row,
    Step,
    Text,
    transition,
)
from musaned.notifications.services import notify
from musaned.offices.workflow import is_member
from musaned.recruitment import deadlines
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import (
    Offer,
    OfferState,
    RecruitmentRequest,
    RequestOffice,
    RequestOfficeState,
    RequestState,
)
from musaned.recruitment.workflow.notices import Bilingual, When, office_people, to_people
from musaned.recruitment.workflow.offer import Action as OfferAction

S = RequestState
R = RequestOfficeState


class Action(StrEnum):
    SEND = "send"  # the visa is there: the offices get the request
    REJECT = "reject"  # the visa made for it was not approved
    RECEIVE_OFFER = "receive_offer"
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    CANCEL = "cancel"
    CONTRACT_CANCELLED = "contract_cancelled"


class OfficeAction(StrEnum):
    ANSWER = "answer"  # its first offer
    DECLINE = "decline"  # it cannot supply such a worker
    LAPSE = "lapse"  # its window passed without an answer
    CLOSE = "close"  # the request ended first


# --- Guards --------------------------------------------------------------------------------


def _not_yet() -> ApplicationError:
    return recruitment_error(Code.NOT_YET)


def window_passed(request: RecruitmentRequest, actor: Actor) -> ApplicationError | None:
    due = request.offers_due_at
    return None if due is not None and timezone.now() >= due else _not_yet()


def decision_passed(request: RecruitmentRequest, actor: Actor) -> ApplicationError | None:
    due = request.decide_by
    return None if due is not None and timezone.now() >= due else _not_yet()


def choice_open(request: RecruitmentRequest, actor: Actor) -> ApplicationError | None:
    """An offer is accepted only until ``decide_by`` (then the request expires)."""
    due = request.decide_by
    if due is not None and timezone.now() >= due:
        return recruitment_error(Code.CHOICE_TIME_PASSED)
    return None


def office_window_passed(received: RequestOffice, actor: Actor) -> ApplicationError | None:
    return None if received.due_at is not None and timezone.now() >= received.due_at else _not_yet()


def office_window_open(received: RequestOffice, actor: Actor) -> ApplicationError | None:
    if received.due_at is None or timezone.now() >= received.due_at:
        return recruitment_error(Code.WINDOW_CLOSED)
    return None


# --- Effects of the request ------------------------------------------------------------------


def open_window(step: Step[RecruitmentRequest]) -> None:
    """The offices' window (working days) and the beneficiary's time to choose after it;
    each office's row gets the window."""
    request = step.obj
    due = deadlines.offices_answer_by(
        start=step.now, terms=request.terms, new_visa=request.visa_is_new
    )
    step.set("sent_at", step.now)
    step.set("offers_due_at", due)
    step.set("decide_by", deadlines.choose_by(offers_due_at=due, terms=request.terms))
    RequestOffice.objects.filter(request=request, state=R.WAITING).update(
        due_at=due, updated_at=step.now
    )
    step.note(offers_due_at=due.isoformat(), new_visa=request.visa_is_new)


def tell_offices(step: Step[RecruitmentRequest]) -> None:
    """The people of each office the request went to hear of it, with its window."""
    request = step.obj
    for received in RequestOffice.objects.filter(request=request).select_related("office"):
        values = {
            "number": request.number,
            "office": Bilingual(received.office),
            "occupation": request.occupation,
            "nationality": request.nationality,
            "due": When(request.offers_due_at),
        }
        for person in office_people(received.office):
            notify(
                user=person,
                subject=Formatted(OFFICE_SUBJECT, values),
                body=Formatted(NEW_REQUEST, values),
                key=f"request-{request.pk}-sent-{received.office_id}-{person.pk}",
            )


def record_rejection(step: Step[RecruitmentRequest]) -> None:
    reasons = list(step.payload.get("reasons") or [])
    step.set("rejection_reasons", reasons)
    step.set("closed_at", step.now)
    step.note(rules=[reason.get("rule", "") for reason in reasons])


def stamp_closed(step: Step[RecruitmentRequest]) -> None:
    step.set("closed_at", step.now)


def require_reason(step: Step[RecruitmentRequest]) -> None:
    if not step.reason.strip():
        raise recruitment_error(Code.REASON_REQUIRED, field="reason")
    step.set("decline_reason", step.reason.strip())


def chosen_offer(step: Step[RecruitmentRequest]) -> None:
    """The offer to accept is one of this request's, still waiting for an answer."""
    offer = step.payload.get("offer")
    if not isinstance(offer, Offer) or offer.request_id != step.obj.pk:
        raise recruitment_error(Code.NOT_FOUND)
    step.note(offer=str(offer.uid), office=offer.office_id)


def note_offer(step: Step[RecruitmentRequest]) -> None:
    offer = step.payload.get("offer")
    if isinstance(offer, Offer):
        step.note(offer=str(offer.uid), office=offer.office_id)


def _move_offers(
    step: Step[RecruitmentRequest],
    action: str,
    *,
    keep: Offer | None = None,
    by_the_actor: bool = False,
) -> None:
    """Every offer of the request still waiting is moved by ``action``, each with its own
    audit row: by the step's actor when ``by_the_actor`` (the beneficiary's own decline),
    else by the platform."""
    for offer in Offer.objects.filter(request=step.obj, state=OfferState.SENT).order_by("pk"):
        if keep is not None and offer.pk == keep.pk:
            continue
        transition(obj=offer, action=action, actor=step.actor if by_the_actor else None)


def accept_the_offer(step: Step[RecruitmentRequest]) -> None:
    """The chosen offer is accepted (the worker reserved), the others withdrawn."""
    offer = step.payload["offer"]
    transition(obj=offer, action=OfferAction.ACCEPT, actor=step.actor)
    _move_offers(step, OfferAction.WITHDRAW, keep=offer)


def decline_the_offers(step: Step[RecruitmentRequest]) -> None:
    _move_offers(step, OfferAction.DECLINE, by_the_actor=True)


def withdraw_the_offers(step: Step[RecruitmentRequest]) -> None:
    _move_offers(step, OfferAction.WITHDRAW)


def expire_the_offers(step: Step[RecruitmentRequest]) -> None:
    _move_offers(step, OfferAction.EXPIRE)


def close_the_offices(step: Step[RecruitmentRequest]) -> None:
    """The offices that had not answered: late if their window passed, closed otherwise."""
    waiting = RequestOffice.objects.filter(request=step.obj, state=R.WAITING).order_by("pk")
    for received in waiting:
        late = received.due_at is not None and step.now >= received.due_at
        transition(
            obj=received, action=OfficeAction.LAPSE if late else OfficeAction.CLOSE, actor=None
        )


# --- Effects of an office's row ---------------------------------------------------------------


def stamp_answered(step: Step[RequestOffice]) -> None:
    step.set("answered_at", step.now)


def office_reason(step: Step[RequestOffice]) -> None:
    if not step.reason.strip():
        raise recruitment_error(Code.REASON_REQUIRED, field="reason")
    step.set("decline_reason", step.reason.strip())
    step.set("answered_at", step.now)


# --- Notices ---------------------------------------------------------------------------------


def notice_values(step: Step[RecruitmentRequest]) -> dict[str, Any]:
    request = step.obj
    offer = step.payload.get("offer")
    return {
        "number": request.number,
        "due": When(request.offers_due_at),
        "decide_by": When(request.decide_by),
        "office": Bilingual(offer.office) if isinstance(offer, Offer) else "",
        "respond_by": When(deadlines.respond_by(accepted_at=step.now, terms=request.terms)),
    }


OFFICE_SUBJECT = _("Musaned: recruitment request %(number)s")
NEW_REQUEST = _(
    "%(office)s: a new recruitment request %(number)s for a %(occupation)s from "
    "%(nationality)s. Send your offers in the office portal by %(due)s."
)
SENT = Notice(
    _(
        "Your recruitment request %(number)s is with the offices you chose. They send their "
        "offers by %(due)s; we tell you when one comes."
    )
)
REJECTED = Notice(
    _(
        "Your recruitment request %(number)s cannot go on: the visa was not approved. Read "
        "the reasons in Musaned."
    )
)
OFFER_CAME = Notice(
    _(
        "%(office)s sent an offer on your recruitment request %(number)s. Compare the "
        "offers and choose one by %(decide_by)s."
    )
)
EXPIRED_UNANSWERED = Notice(
    _(
        "No office sent an offer on your recruitment request %(number)s in time. You can "
        "make a new request with other offices."
    )
)
EXPIRED_UNCHOSEN = Notice(
    _("Your recruitment request %(number)s expired: no offer was chosen by %(decide_by)s.")
)
ACCEPTED = Notice(
    _(
        "You accepted the offer of %(office)s on request %(number)s. Sign the contract with "
        "the SMS code and pay by %(respond_by)s."
    )
)


def office_notice_values(step: Step[RequestOffice]) -> dict[str, Any]:
    received = step.obj
    return {
        "number": received.request.number,
        "office": Bilingual(received.office),
        "due": When(received.due_at),
    }


OFFICE_DECLINED = Notice(
    _("%(office)s cannot supply a worker for your recruitment request %(number)s."),
    to=lambda received: [received.request.owner],
)
LAPSED = Notice(
    _(
        "%(office)s did not answer recruitment request %(number)s by %(due)s. The "
        "lateness counts in the office's scorecard."
    ),
    to=to_people(lambda received: received.office),
)


def refused(request: RecruitmentRequest) -> Text:
    return _("This request cannot do that now (it is “%(state)s”).") % {
        "state": RequestState(request.state).label
    }


def works_for_a_recipient(request: RecruitmentRequest, actor: Actor) -> bool:
    """``actor`` works now for one of the offices the request was sent to."""
    return (
        actor is not None
        and actor.pk is not None
        and RequestOffice.objects.filter(
            request_id=request.pk,
            office__memberships__user_id=actor.pk,
            office__memberships__ended_at__isnull=True,
        ).exists()
    )


A = Action
CLOSE_OUT = (close_the_offices,)

REQUEST_MACHINE: Machine[RecruitmentRequest] = Machine(
    name="recruitment_request",
    model=RecruitmentRequest,
    rows=[
        Row(
            S.AWAITING_VISA,
            A.SEND,
            S.SENT,
            SYSTEM,
            effects=(open_window,),
            after_save=(tell_offices,),
            notice=SENT,
            timeline=_("Sent to the offices"),
        ),
        Row(
            S.AWAITING_VISA,
            A.REJECT,
            S.REJECTED,
            SYSTEM,
            effects=(record_rejection,),
            after_save=CLOSE_OUT,
            notice=REJECTED,
            timeline=_("Rejected: the visa was not approved"),
        ),
        Row(
            S.AWAITING_VISA,
            A.CANCEL,
            S.CANCELLED,
            (OWNER, SYSTEM),
            effects=(stamp_closed,),
            after_save=CLOSE_OUT,
            timeline=_("Request cancelled"),
            button=_("Cancel this request"),
        ),
        Row(
            S.SENT,
            A.RECEIVE_OFFER,
            S.OFFERED,
            OFFICE,
            effects=(note_offer,),
            notice=OFFER_CAME,
            timeline=_("An offer came"),
        ),
        Row(
            S.OFFERED,
            A.RECEIVE_OFFER,
            S.OFFERED,
            OFFICE,
            effects=(note_offer,),
            notice=OFFER_CAME,
            timeline=_("Another offer came"),
        ),
        Row(
            S.SENT,
            A.EXPIRE,
            S.EXPIRED,
            SYSTEM,
            guards=(window_passed,),
            effects=(stamp_closed,),
            after_save=CLOSE_OUT,
            notice=EXPIRED_UNANSWERED,
            timeline=_("Expired: no office answered in time"),
        ),
        Row(
            S.OFFERED,
            A.EXPIRE,
            S.EXPIRED,
            SYSTEM,
            guards=(decision_passed,),
            effects=(stamp_closed,),
            after_save=(expire_the_offers, *CLOSE_OUT),
            notice=EXPIRED_UNCHOSEN,
            timeline=_("Expired: no offer chosen in time"),
        ),
        Row(
            S.SENT,
            A.CANCEL,
            S.CANCELLED,
            OWNER,
            effects=(stamp_closed,),
            after_save=CLOSE_OUT,
            timeline=_("Request cancelled"),
            button=_("Cancel this request"),
        ),
        Row(
            S.OFFERED,
            A.CANCEL,
            S.CANCELLED,
            OWNER,
            effects=(stamp_closed,),
            after_save=(withdraw_the_offers, *CLOSE_OUT),
            timeline=_("Request cancelled"),
            button=_("Cancel this request"),
        ),
        Row(
            S.OFFERED,
            A.ACCEPT,
            S.ACCEPTED,
            OWNER,
            guards=(choice_open,),
            effects=(chosen_offer, stamp_closed),
            after_save=(accept_the_offer, *CLOSE_OUT),
            notice=ACCEPTED,
            timeline=_("Offer accepted; the contract is made"),
            owner_timeline=_("You accepted an offer; the contract is made"),
            button=_("Accept this offer"),
        ),
        Row(
            S.OFFERED,
            A.DECLINE,
            S.DECLINED,
            OWNER,
            effects=(require_reason, stamp_closed),
            after_save=(decline_the_offers, *CLOSE_OUT),
            timeline=_("Every offer declined"),
            owner_timeline=_("You declined every offer"),
            button=_("Decline all the offers"),
        ),
        Row(
            S.ACCEPTED,
            A.CONTRACT_CANCELLED,
            S.CANCELLED,
            SYSTEM,
            timeline=_(
                "Its contract was cancelled before the worker arrived; the visa is free again"
            ),
        ),
    ],
    refused=refused,
    notice_values=notice_values,
    notice_subject=_("Musaned: recruitment request %(number)s"),
    office_member=works_for_a_recipient,
    labels={"recruitment_request.created": _("Request made")},
    owner_labels={"recruitment_request.created": _("You made the request")},
    notify=notify,
)


OFFICE_MACHINE: Machine[RequestOffice] = Machine(
    name="recruitment_request_office",
    model=RequestOffice,
    rows=[
        Row(
            R.WAITING,
            OfficeAction.ANSWER,
            R.ANSWERED,
            OFFICE,
            guards=(office_window_open,),
            effects=(stamp_answered,),
            timeline=_("The office sent its first offer"),
        ),
        Row(
            R.WAITING,
            OfficeAction.DECLINE,
            R.DECLINED,
            OFFICE,
            guards=(office_window_open,),
            effects=(office_reason,),
            notice=OFFICE_DECLINED,
            timeline=_("The office cannot supply such a worker"),
            button=_("We cannot supply such a worker"),
        ),
        Row(
            R.WAITING,
            OfficeAction.LAPSE,
            R.LATE,
            SYSTEM,
            guards=(office_window_passed,),
            notice=LAPSED,
            timeline=_("The office did not answer in time"),
        ),
        Row(
            R.WAITING,
            OfficeAction.CLOSE,
            R.CLOSED,
            SYSTEM,
            timeline=_("Closed: the request ended before the office answered"),
        ),
    ],
    refused=lambda received: (
        _("This cannot be done now (it is “%(state)s”).")
        % {"state": RequestOfficeState(received.state).label}
    ),
    notice_values=office_notice_values,
    notice_subject=_("Musaned: recruitment request %(number)s"),
    office_member=lambda received, actor: is_member(received.office, actor),
    notify=notify,
)

OPEN_STATES = REQUEST_MACHINE.open
TERMINAL_STATES = REQUEST_MACHINE.terminal
# The states in which offices may still make offers.
TAKING_OFFERS = frozenset({S.SENT, S.OFFERED})
