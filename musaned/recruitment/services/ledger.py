"""The one way money moves in the recruitment ledger: ``ledger_post`` writes one posting,
every line of it or none, after checking that it balances. Nothing updates or deletes an
entry (the model and its queryset refuse, and so does PostgreSQL: docs/recruitment.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction

from musaned.recruitment.errors import RecruitmentErrorCode, recruitment_error
from musaned.recruitment.models import Account, Contract, EntryKind, LedgerEntry
from musaned.recruitment.postings import CENT, ZERO, Line


def ledger_post(*, contract: Contract, lines: Iterable[Line], memo: str) -> uuid.UUID | None:
    """Write ``lines`` for ``contract`` as one posting (one ``posting`` id, one
    ``memo``) and return its id; ``None`` when every line is zero (nothing moves).

    Raises ``RecruitmentError`` (``unbalanced``) when the amounts do not sum to zero, when
    an amount has more than two decimals, or when a line names an unknown account or kind;
    nothing is written then. Runs inside the caller's transaction (a savepoint): the
    workflow's rows call it with the contract locked, so two postings of one contract never
    interleave. The audit row is the caller's (the row's ``contract.<action>`` names the
    posting)."""
    moving = [line for line in lines if line.amount != 0]
    if not moving:
        return None
    for line in moving:
        if (
            line.amount != line.amount.quantize(CENT)
            or line.account not in Account.values
            or line.kind not in EntryKind.values
        ):
            raise recruitment_error(RecruitmentErrorCode.UNBALANCED)
    if sum((line.amount for line in moving), ZERO) != 0:
        raise recruitment_error(RecruitmentErrorCode.UNBALANCED)
    posting = uuid.uuid4()
    with transaction.atomic():
        LedgerEntry.objects.bulk_create(
            LedgerEntry(
                contract=contract,
                posting=posting,
                account=line.account,
                kind=line.kind,
                amount=line.amount,
                memo=memo[:200],
            )
            for line in moving
        )
    return posting
