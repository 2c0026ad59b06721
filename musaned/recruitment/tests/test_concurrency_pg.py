"""The journey under concurrency, on PostgreSQL with real threads (SQLite ignores
``select_for_update``; these skip there and run in CI): two beneficiaries accepting offers
for the same worker, ten copies of one accept, the clocks command on two machines at once,
and ten copies of one claim — each ends with exactly one of what it makes."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.tests.threads import race
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.models import Contract, LedgerEntry, Offer, OfferState
from musaned.recruitment.postings import LATE_CANCELLATION
from musaned.recruitment.services import contracts, offers
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import offer_from, paid_contract, sent_request

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_beneficiaries_accepting_offers_for_the_same_worker_make_one_contract(
    postgresql, mohammed, sarah, manager, office
):
    one = offer_from(manager, sent_request(mohammed, [office]), office, passport_number="P1234567")
    two = offer_from(manager, sent_request(sarah, [office]), office, passport_number="P1234567")
    results, errors = race(
        [
            lambda: offers.offer_accept(offer=one, actor=mohammed),
            lambda: offers.offer_accept(offer=two, actor=sarah),
        ]
    )
    assert len(results) == 1 and Contract.objects.count() == 1
    assert [getattr(e, "code", e) for e in errors] == ["worker_taken"]
    assert Offer.objects.filter(state=OfferState.ACCEPTED).count() == 1
    assert Offer.objects.filter(state=OfferState.SENT).count() == 1  # the other waits still


def test_ten_copies_of_one_accept_make_one_contract(postgresql, mohammed, manager, office):
    offer = offer_from(manager, sent_request(mohammed, [office]), office)
    results, errors = race([lambda: offers.offer_accept(offer=offer, actor=mohammed)] * 10)
    assert len(results) == 1 and len(errors) == 9
    assert all(isinstance(e, InvalidTransition | RecruitmentError) for e in errors)
    assert Contract.objects.count() == 1
    assert AuditEvent.objects.filter(action="contract.created").count() == 1


def test_the_clocks_on_two_machines_at_once_move_each_contract_once(
    postgresql, mohammed, sarah, manager, office
):
    contracts_ = [paid_contract(mohammed, manager, office), paid_contract(sarah, manager, office)]
    paid_on = contracts_[0].paid_on
    for days, action in ((90, "contract.start_extension"), (121, "contract.mark_overdue")):
        moment = timezone.make_aware(
            dt.datetime.combine(paid_on + dt.timedelta(days=days), dt.time(3))
        )
        with time_machine.travel(moment, tick=False):
            _results, errors = race([recruitment_clocks_run, recruitment_clocks_run])
        assert errors == []
        assert AuditEvent.objects.filter(action=action).count() == 2


def test_ten_copies_of_one_claim_enter_one_compensation(postgresql, mohammed, manager, office):
    contract = paid_contract(mohammed, manager, office)
    moment = timezone.make_aware(
        dt.datetime.combine(contract.paid_on + dt.timedelta(days=125), dt.time(9))
    )
    with time_machine.travel(moment, tick=False):
        recruitment_clocks_run()
        results, errors = race(
            [lambda: contracts.contract_cancel(contract=contract, actor=mohammed)] * 10
        )
    assert len(results) == 1 and len(errors) == 9
    claims = LedgerEntry.objects.filter(contract=contract, memo=LATE_CANCELLATION)
    assert claims.values("posting").distinct().count() == 1
    assert sum(LedgerEntry.objects.filter(contract=contract).values_list("amount", flat=True)) == 0
