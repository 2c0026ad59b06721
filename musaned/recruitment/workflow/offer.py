"""An offer's workflow, as rows of the one core (docs/recruitment.md, "The tables").

    sent ──accept──▶ accepted ──release (its contract cancelled before arrival)──▶ released
      ├──decline (the beneficiary declined all)──▶ declined
      ├──withdraw (another accepted, the request ended)──▶ withdrawn ◀──retract (the office)
      └──expire (not chosen in time)──▶ expired

Every row locks the offer's request first (``core/locks.py``: the request before its
offers), so accepting one offer and withdrawing the others happen under one lock.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from musaned.core.errors import ApplicationError
from musaned.core.workflow import OFFICE, OWNER, SYSTEM, Actor, Machine, Notice, Row, Step, Text
from musaned.notifications.services import notify
from musaned.offices.workflow import is_member
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import Offer, OfferState, RecruitmentRequest, RequestState
from musaned.recruitment.workflow.notices import Bilingual, to_people

S = OfferState


class Action(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"  # the platform: another offer accepted, the request ended
    RETRACT = "retract"  # the office takes its offer back
    EXPIRE = "expire"
    RELEASE = "release"  # its contract was cancelled before the worker arrived


def request_first(offer: Offer) -> list[models.Model]:
    """The offer's request, locked before the offer."""
    return [RecruitmentRequest(pk=offer.request_id)]


def request_taking_offers(offer: Offer, actor: Actor) -> ApplicationError | None:
    """The office takes an offer back only while the beneficiary has not chosen."""
    if offer.request.state in (RequestState.SENT, RequestState.OFFERED):
        return None
    return recruitment_error(Code.REQUEST_CLOSED)


def stamp_answered(step: Step[Offer]) -> None:
    step.set("answered_at", step.now)
    step.note(request=step.obj.request.number, office=step.obj.office_id)


def notice_values(step: Step[Offer]) -> dict[str, Any]:
    offer = step.obj
    return {
        "number": offer.request.number,
        "worker": offer.full_name,
        "office": Bilingual(offer.office),
    }


TO_OFFICE = to_people(lambda offer: offer.office)

ACCEPTED = Notice(
    _(
        "The beneficiary accepted your offer for %(worker)s on request %(number)s. The "
        "office's manager signs the contract in the office portal."
    ),
    to=TO_OFFICE,
)
DECLINED = Notice(
    _("The beneficiary declined your offer for %(worker)s on request %(number)s."),
    to=TO_OFFICE,
)
WITHDRAWN = Notice(
    _(
        "Your offer for %(worker)s on request %(number)s is closed: the beneficiary chose "
        "another offer or closed the request."
    ),
    to=TO_OFFICE,
)
RETRACTED = Notice(
    _("%(office)s took back its offer for %(worker)s on your recruitment request %(number)s.")
)
EXPIRED = Notice(
    _("Your offer for %(worker)s on request %(number)s expired: the beneficiary did not choose."),
    to=TO_OFFICE,
)
RELEASED = Notice(
    _(
        "The contract for %(worker)s (request %(number)s) ended early: the worker may be "
        "offered again."
    ),
    to=TO_OFFICE,
)


def refused(offer: Offer) -> Text:
    return _("This offer cannot do that now (it is “%(state)s”).") % {
        "state": OfferState(offer.state).label
    }


A = Action
FIRST = request_first

OFFER_MACHINE: Machine[Offer] = Machine(
    name="recruitment_offer",
    model=Offer,
    rows=[
        Row(
            S.SENT,
            A.ACCEPT,
            S.ACCEPTED,
            OWNER,
            effects=(stamp_answered,),
            lock_first=FIRST,
            notice=ACCEPTED,
            timeline=_("Offer accepted"),
        ),
        Row(
            S.SENT,
            A.DECLINE,
            S.DECLINED,
            OWNER,
            effects=(stamp_answered,),
            lock_first=FIRST,
            notice=DECLINED,
            timeline=_("Offer declined"),
        ),
        Row(
            S.SENT,
            A.WITHDRAW,
            S.WITHDRAWN,
            SYSTEM,
            effects=(stamp_answered,),
            lock_first=FIRST,
            notice=WITHDRAWN,
            timeline=_("Offer closed: another was accepted, or the request ended"),
        ),
        Row(
            S.SENT,
            A.RETRACT,
            S.WITHDRAWN,
            OFFICE,
            guards=(request_taking_offers,),
            effects=(stamp_answered,),
            lock_first=FIRST,
            notice=RETRACTED,
            timeline=_("Offer taken back by the office"),
            button=_("Take this offer back"),
        ),
        Row(
            S.SENT,
            A.EXPIRE,
            S.EXPIRED,
            SYSTEM,
            effects=(stamp_answered,),
            lock_first=FIRST,
            notice=EXPIRED,
            timeline=_("Offer expired"),
        ),
        Row(
            S.ACCEPTED,
            A.RELEASE,
            S.RELEASED,
            SYSTEM,
            lock_first=FIRST,
            notice=RELEASED,
            timeline=_("Worker released: the contract ended early"),
        ),
    ],
    owner_field="beneficiary",
    refused=refused,
    notice_values=notice_values,
    notice_subject=_("Musaned: recruitment request %(number)s"),
    office_member=lambda offer, actor: is_member(offer.office, actor),
    labels={"recruitment_offer.made": _("Offer sent")},
    owner_labels={"recruitment_offer.made": _("Offer received")},
    notify=notify,
)
