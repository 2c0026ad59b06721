"""The journey's clocks, run by one scheduled command (``manage.py run_recruitment_clocks``,
docs/recruitment.md, "The clocks"): each thing that is due is moved by its row of the
table, in its own transaction, with the rows it needs locked in the documented order and
the row's guard checked again under the lock. Running it twice, or on two machines at
once, moves each thing once: the second run finds it moved (or its lock held, and looks
again next time) and leaves it.

In order: offices whose window passed without an answer (late: it counts against them),
requests nobody answered or nobody chose in time, contracts not signed and paid in time,
the delivery clock (day 90: the extension; day 120: overdue), the trial started by itself
``handover_days`` after arrival, and the trial's end (the rest released).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from musaned.core import locks
from musaned.core.errors import InvalidTransition
from musaned.core.workflow import transition
from musaned.recruitment.models import (
    Contract,
    ContractState,
    DeliveryClock,
    RecruitmentRequest,
    RequestOffice,
    RequestOfficeState,
    RequestState,
)
from musaned.recruitment.workflow.contract import (
    BEFORE_PAYMENT_STATES,
    PRE_ARRIVAL_STATES,
    Action,
)
from musaned.recruitment.workflow.request import Action as RequestAction
from musaned.recruitment.workflow.request import OfficeAction

logger = logging.getLogger(__name__)


def _move(
    queryset: models.QuerySet[Any],
    action: str,
    *,
    first: Callable[[Any], list[models.Model]] | None = None,
) -> int:
    """Take ``action`` on each row of ``queryset`` (the platform acting), one transaction
    each: what ``first`` names is locked before the row (the row's own lock comes from
    ``transition``). A row that moved meanwhile, or whose guard no longer holds, is left."""
    moved = 0
    for pk in list(queryset.order_by("pk").values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                row = queryset.model._default_manager.get(pk=pk)
                if first is not None:
                    locks.lock_all(first(row))
                transition(obj=row, action=action, actor=None)
                moved += 1
        except InvalidTransition:
            continue  # moved by someone else, or not due any more: nothing to do
        except Exception:
            # One record that cannot move (its notice, its posting) does not hold back the
            # others; nothing of it was kept, and the next run tries it again.
            logger.exception(
                "recruitment clocks: %s of %s %s failed", action, queryset.model.__name__, pk
            )
    return moved


def _request_first(received: RequestOffice) -> list[models.Model]:
    return [RecruitmentRequest(pk=received.request_id)]


def recruitment_clocks_run(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything that is due now; returns how many of each moved."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    requests = RecruitmentRequest.objects
    contracts = Contract.objects
    done = {
        "requests_unanswered": _move(
            requests.filter(state=RequestState.SENT, offers_due_at__lte=now), RequestAction.EXPIRE
        ),
        "requests_unchosen": _move(
            requests.filter(state=RequestState.OFFERED, decide_by__lte=now), RequestAction.EXPIRE
        ),
        "offices_late": _move(
            RequestOffice.objects.filter(state=RequestOfficeState.WAITING, due_at__lte=now),
            OfficeAction.LAPSE,
            first=_request_first,
        ),
        "contracts_lapsed": _move(
            contracts.filter(state__in=BEFORE_PAYMENT_STATES, respond_by__lte=now), Action.LAPSE
        ),
        "extensions_started": _move(
            contracts.filter(
                state__in=PRE_ARRIVAL_STATES,
                clock=DeliveryClock.RUNNING,
                delivery_due_on__lt=today,
            ),
            Action.START_EXTENSION,
        ),
        "overdue": _move(
            contracts.filter(
                state__in=PRE_ARRIVAL_STATES,
                clock=DeliveryClock.EXTENSION,
                extension_ends_on__lt=today,
            ),
            Action.MARK_OVERDUE,
        ),
        "trials_started": _move(
            # The guard reads each contract's own terms (``handover_days``).
            contracts.filter(state=ContractState.ARRIVED, arrived_on__lt=today),
            Action.START_TRIAL,
        ),
        "completed": _move(
            contracts.filter(
                state__in=(ContractState.ARRIVED, ContractState.IN_TRIAL), trial_ends_on__lt=today
            ),
            Action.COMPLETE,
        ),
    }
    if any(done.values()):
        logger.info("recruitment clocks: %s", done)
    return done
