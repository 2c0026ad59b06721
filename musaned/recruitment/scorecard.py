"""What recruitment tells the offices' scorecard (``musaned/offices/sources.py``'s
``ContractSource``): per office, the contracts signed in the period, the workers who
arrived and those who arrived by the contract's due date, the beneficiaries' ratings, the
days from payment to arrival for the median, and who has a contract in progress (told when
the office is suspended). Registered in ``RecruitmentConfig.ready``.

Besides the protocol's figures it counts the requests the offices received and those they
let lapse without an answer (``requests_received``, ``requests_unanswered``), the lateness
the journey records against an office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import (
    Count,
    Expression,
    F,
    IntegerField,
    Model,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from musaned.accounts.models import User
from musaned.recruitment.models import Contract, RequestOffice, RequestOfficeState


def _per_office(rows: Any, aggregate: Any) -> Coalesce:
    counted = rows.order_by().values("office").annotate(v=aggregate).values("v")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class ContractsOfOffices:
    """The ``ContractSource`` of recruitment contracts."""

    def annotations(self, *, since: dt.datetime) -> Mapping[str, Expression | Any]:
        signed = Contract.objects.filter(office=OuterRef("pk"), signed_at__gte=since)
        arrived = signed.filter(arrived_on__isnull=False)
        rated = signed.filter(rating__isnull=False)
        received = RequestOffice.objects.filter(office=OuterRef("pk"), due_at__gte=since)
        return {
            "contracts_signed": _per_office(signed, Count("pk")),
            "arrivals": _per_office(arrived, Count("pk")),
            "arrivals_on_time": _per_office(
                arrived.filter(arrived_on__lte=F("delivery_due_on")), Count("pk")
            ),
            "ratings": _per_office(rated, Count("pk")),
            "rating_total": _per_office(rated, Sum("rating")),
            "requests_received": _per_office(received, Count("pk")),
            "requests_unanswered": _per_office(
                received.filter(state=RequestOfficeState.LATE), Count("pk")
            ),
        }

    def arrival_days(self, *, office: Model, since: dt.datetime) -> list[int]:
        rows = Contract.objects.filter(
            office_id=office.pk,
            signed_at__gte=since,
            arrived_on__isnull=False,
            paid_on__isnull=False,
        ).values_list("paid_on", "arrived_on")
        return [(arrived - paid).days for paid, arrived in rows if paid and arrived]

    def beneficiaries(self, *, office: Model) -> Iterable[Any]:
        from musaned.recruitment.workflow.contract import IN_PROGRESS_STATES

        return (
            User.objects.filter(
                recruitment_contracts__office_id=office.pk,
                recruitment_contracts__state__in=IN_PROGRESS_STATES,
            )
            .distinct()
            .order_by("pk")
        )
