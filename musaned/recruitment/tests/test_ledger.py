"""The money ledger: every posting balances, nothing updates or deletes an entry, every
contract's entries sum to zero, and what each movement posts (the split on arrival and
after the trial, the schedule, the compensation, the pro-rata refund)."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from musaned.core.models import AppendOnlyError
from musaned.recruitment import postings
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.models import Account, Contract, EntryKind, LedgerEntry
from musaned.recruitment.postings import Line
from musaned.recruitment.services.ledger import ledger_post
from musaned.recruitment.tests.factories import paid_contract

pytestmark = pytest.mark.django_db

D = Decimal


def test_a_posting_that_does_not_balance_writes_nothing(mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    before = LedgerEntry.objects.count()
    lines = [
        Line(Account.HELD, EntryKind.RELEASED, D("-100.00")),
        Line(Account.OFFICE, EntryKind.RELEASED, D("99.99")),
    ]
    with pytest.raises(RecruitmentError) as refused:
        ledger_post(contract=contract, lines=lines, memo="test")
    assert refused.value.code == "unbalanced"
    with pytest.raises(RecruitmentError):  # a third decimal is not money
        ledger_post(
            contract=contract,
            lines=[
                Line(Account.HELD, EntryKind.RELEASED, D("-0.005")),
                Line(Account.OFFICE, EntryKind.RELEASED, D("0.005")),
            ],
            memo="test",
        )
    assert LedgerEntry.objects.count() == before
    assert ledger_post(contract=contract, lines=[], memo="nothing moves") is None


def test_nothing_updates_or_deletes_an_entry(mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    entry = LedgerEntry.objects.filter(contract=contract).first()
    entry.amount = D("1")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    entries = LedgerEntry.objects.filter(contract=contract)
    with pytest.raises(AppendOnlyError):
        entries.update(amount=D("0.01"))
    with pytest.raises(AppendOnlyError):
        entries.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.bulk_update([entry], ["amount"])
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.update_or_create(pk=entry.pk, defaults={"amount": 1})
    assert sorted(entries.values_list("amount", flat=True)) == [-contract.total, contract.total]


def test_a_payment_holds_the_total(mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    lines = {(e.account, e.kind): e.amount for e in LedgerEntry.objects.filter(contract=contract)}
    assert lines == {
        (Account.BENEFICIARY, EntryKind.PAID): -contract.total,
        (Account.HELD, EntryKind.HELD): contract.total,
    }
    assert len({e.posting for e in LedgerEntry.objects.filter(contract=contract)}) == 1


@pytest.mark.parametrize(
    ("total", "percent", "first"),
    [(D("13225.00"), D("70"), D("9257.50")), (D("0.03"), D("70"), D("0.02"))],
)
def test_the_office_is_paid_its_share_on_arrival_and_the_rest_after_the_trial(
    total, percent, first
):
    on_arrival = postings.release_on_arrival(total=total, percent=percent)
    assert [line.amount for line in on_arrival] == [-first, first]
    rest = postings.release_rest(held=total - first)
    assert sum(line.amount for line in on_arrival + rest if line.account == Account.OFFICE) == total


@pytest.mark.parametrize(
    ("percent", "refund", "kept"),
    [
        (D("0"), D("13225.00"), D("0")),
        (D("5"), D("12563.75"), D("661.25")),
        (D("10"), D("11902.50"), D("1322.50")),
    ],
)
def test_an_own_cancellation_keeps_the_schedules_share(percent, refund, kept):
    outcome = postings.own_cancellation(total=D("13225.00"), held=D("13225.00"), percent=percent)
    assert (outcome.refund, outcome.kept_by_office) == (refund, kept)
    assert postings.balanced(outcome.lines)


@pytest.mark.parametrize(
    ("percent", "compensation"), [(D("15"), D("1983.75")), (D("20"), D("2645.00"))]
)
def test_a_late_cancellation_refunds_everything_with_compensation_from_the_guarantee(
    percent, compensation
):
    outcome = postings.late_cancellation(total=D("13225.00"), held=D("13225.00"), percent=percent)
    assert outcome.compensation == compensation
    assert outcome.refund == D("13225.00") + compensation
    charged = [line for line in outcome.lines if line.account == Account.OFFICE_GUARANTEE]
    assert [line.amount for line in charged] == [-compensation]
    assert postings.balanced(outcome.lines)


@pytest.mark.parametrize(
    ("served", "refund", "from_guarantee", "kept"),
    [
        (0, D("13225.00"), D("9257.50"), D("0")),  # the office gives back what it was paid
        (30, D("8816.67"), D("4849.17"), D("0")),
        (
            80,
            D("1469.44"),
            D("0"),
            D("2498.06"),
        ),  # the held share covers it; the rest is the office's
        (89, D("146.94"), D("0"), D("3820.56")),
    ],
)
def test_a_failed_trial_refunds_the_days_not_served(served, refund, from_guarantee, kept):
    total, held = D("13225.00"), D("3967.50")  # 30 % still held after the arrival
    outcome = postings.trial_failure(total=total, held=held, trial_days=90, days_served=served)
    assert outcome.refund == refund
    guarantee = sum(
        (-line.amount for line in outcome.lines if line.account == Account.OFFICE_GUARANTEE),
        D("0"),
    )
    assert guarantee == from_guarantee
    assert outcome.kept_by_office == kept
    assert postings.balanced(outcome.lines)


def test_every_contracts_entries_sum_to_zero(mohammed, manager, office):
    from django.db.models import Sum

    paid_contract(mohammed, manager, office)
    sums = LedgerEntry.objects.values("contract").annotate(total=Sum("amount"))
    assert sums and all(row["total"] == 0 for row in sums)
    assert Contract.objects.filter(ledger_entries__isnull=False).distinct().count() == len(sums)


@pytest.mark.django_db(transaction=True)
def test_postgresql_itself_refuses_to_change_an_entry_or_commit_an_unbalanced_posting(
    postgresql, mohammed, manager, office
):
    from django.db import DatabaseError

    contract = paid_contract(mohammed, manager, office)
    entry = LedgerEntry.objects.filter(contract=contract).first()
    for statement in (
        "UPDATE recruitment_ledgerentry SET amount = 0.01 WHERE id = %s",
        "DELETE FROM recruitment_ledgerentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    contract=contract,
                    posting=entry.posting,
                    account="held",
                    kind="held",
                    amount=D("5.00"),
                    memo="forged",
                )
            ]
        )
    assert LedgerEntry.objects.filter(contract=contract).count() == 2
