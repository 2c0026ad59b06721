"""The journey end to end through the services: a beneficiary asks an office for a worker,
the office offers two, the beneficiary accepts one and signs with the SMS code, the office
signs, the provider's callback pays, the office moves the stages to arrival, and the trial
ends by the clock with the rest released. Every step is on the timelines and the money
balances."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from musaned.core.models import AuditEvent
from musaned.notifications.models import Notification
from musaned.recruitment.models import (
    Account,
    ContractState,
    DeliveryClock,
    OfferState,
    RequestOfficeState,
    RequestState,
    Signature,
)
from musaned.recruitment.selectors import statement_for
from musaned.recruitment.services import offers
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    arrived,
    offer_from,
    paid,
    sent_request,
    signed,
)

pytestmark = pytest.mark.django_db


def test_a_beneficiary_recruits_a_worker_from_request_to_the_end_of_the_trial(
    mohammed, manager, employee, office
):
    request = sent_request(mohammed, [office])
    assert request.state == RequestState.SENT and not request.visa_is_new
    first = offer_from(manager, request, office)
    second = offer_from(employee, request, office, full_name="Ana Cruz", price=Decimal("11000"))
    request.refresh_from_db()
    assert request.state == RequestState.OFFERED
    assert request.recipients.get().state == RequestOfficeState.ANSWERED

    contract = offers.offer_accept(offer=second, actor=mohammed)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (OfferState.WITHDRAWN, OfferState.ACCEPTED)
    assert contract.state == ContractState.AWAITING_SIGNATURES
    assert contract.total == Decimal("12650.00")  # 11,000 and 15 % VAT

    contract = signed(mohammed, manager, contract)
    assert contract.state == ContractState.SIGNED
    assert set(Signature.objects.filter(contract=contract).values_list("role", flat=True)) == {
        "beneficiary",
        "office",
    }
    assert {s.document_hash for s in contract.signatures.all()} == {contract.document_hash}

    contract = paid(contract)
    assert contract.state == ContractState.PAID and contract.clock == DeliveryClock.RUNNING
    assert contract.delivery_due_on == contract.paid_on + dt.timedelta(days=89)

    contract = arrived(contract, employee)
    assert contract.clock == DeliveryClock.STOPPED
    statement = statement_for(actor=mohammed, contract=contract)
    assert statement.balanced
    assert statement.released == Decimal("8855.00")  # 70 % of 12,650
    assert statement.held == Decimal("3795.00")

    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        done = recruitment_clocks_run()
        assert done["completed"] == 1
    contract.refresh_from_db()
    assert contract.state == ContractState.COMPLETED
    statement = statement_for(actor=mohammed, contract=contract)
    assert statement.balances[Account.OFFICE] == Decimal("12650.00")
    assert statement.held == 0 and statement.balanced
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"contract.created", "contract.pay", "contract.arrive", "contract.complete"} <= actions
    told = Notification.objects.filter(user=mohammed).values_list("body", flat=True)
    assert any("12,650" in body for body in told)  # the bill and the payment, by SMS
