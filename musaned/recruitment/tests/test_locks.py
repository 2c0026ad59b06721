"""Every lock the journey takes comes from ``core/locks.py`` and in its documented order
(the person, the visa, the request, the office's row, the offers, the signing code, the
contract, its bill), so two transactions never wait for each other in a circle."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from musaned.core import locks
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.recruitment.services import contracts, offers
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    offer_from,
    paid_contract,
    sent_request,
    signature_code,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def locked(monkeypatch):
    """The rows locked, in the order each was first locked, as model labels."""
    order: list[tuple[str, str]] = []

    def note(model, pk) -> None:
        key = (model._meta.label_lower, str(pk))
        if model._meta.label_lower != "notifications.notification" and key not in order:
            order.append(key)

    real = (locks.lock, locks.lock_pk, locks.lock_where)

    def lock(obj):
        note(type(obj), obj.pk)
        return real[0](obj)

    def lock_pk(model, pk):
        note(model, pk)
        return real[1](model, pk)

    def lock_where(queryset, **kwargs):
        row = real[2](queryset, **kwargs)
        if row is not None:
            note(type(row), row.pk)
        return row

    monkeypatch.setattr(locks, "lock", lock)
    monkeypatch.setattr(locks, "lock_pk", lock_pk)
    monkeypatch.setattr(locks, "lock_where", lock_where)
    return order


def labels(order):
    return [label for label, _pk in order]


def in_documented_order(order) -> bool:
    ranks = [locks.ORDER.index(label) for label in labels(order)]
    return ranks == sorted(ranks)


def test_making_and_accepting_an_offer_lock_the_request_before_its_offers(
    mohammed, manager, office, locked
):
    request = sent_request(mohammed, [office])
    locked.clear()
    offer = offer_from(manager, request, office)
    assert labels(locked)[:2] == ["recruitment.recruitmentrequest", "recruitment.requestoffice"]
    assert in_documented_order(locked)
    offer_from(manager, request, office, full_name="Ana Cruz")
    locked.clear()
    offers.offer_accept(offer=offer, actor=mohammed)
    assert labels(locked)[:2] == ["recruitment.recruitmentrequest", "recruitment.offer"]
    assert in_documented_order(locked)


def test_signing_locks_the_code_before_the_contract_and_the_bill_after(
    mohammed, manager, office, locked
):
    contract = contracts.contract_sign_as_office(
        contract=accepted(mohammed, manager, office), actor=manager
    )
    code = signature_code(mohammed, contract)
    locked.clear()
    contracts.contract_sign_as_beneficiary(
        contract=contract, actor=mohammed, attempt="attempt-1", code=code
    )
    assert labels(locked) == ["accounts.onetimecode", "recruitment.contract"]
    assert in_documented_order(locked)
    locked.clear()
    pay(bill_for(contract), event_id="EVT-CONTRACT")
    assert labels(locked)[:2] == ["recruitment.contract", "payments.bill"]
    assert in_documented_order(locked)


def test_cancelling_locks_the_request_and_the_offer_before_the_contract(
    mohammed, manager, office, locked
):
    contract = paid_contract(mohammed, manager, office)
    locked.clear()
    contracts.contract_cancel(contract=contract, actor=mohammed)
    assert labels(locked)[:3] == [
        "recruitment.recruitmentrequest",
        "recruitment.offer",
        "recruitment.contract",
    ]
    assert in_documented_order(locked)


def test_the_clocks_lock_in_the_documented_order(mohammed, manager, office, locked):
    contract = paid_contract(mohammed, manager, office)
    moment = timezone.make_aware(
        dt.datetime.combine(contract.paid_on + dt.timedelta(days=125), dt.time(3))
    )
    with time_machine.travel(moment, tick=False):
        locked.clear()
        recruitment_clocks_run()
        assert labels(locked) == ["recruitment.contract"]
        locked.clear()
        contracts.contract_cancel(contract=contract, actor=mohammed)
        assert in_documented_order(locked)
