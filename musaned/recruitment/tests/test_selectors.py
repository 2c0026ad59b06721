"""Who may read what: a request is its owner's; a request an office received is that
office's people's (once it is sent); a contract and its statement are the beneficiary's,
the office's people's and staff's with ``recruitment.view_all_contracts``; anyone else
gets the same ``not_found`` as for something that does not exist."""

import uuid

import pytest

from musaned.accounts.tests.factories import StaffFactory
from musaned.recruitment import selectors
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.tests.factories import (
    offer_from,
    paid_contract,
    received_by,
    sent_request,
)

pytestmark = pytest.mark.django_db


def not_found(read):
    with pytest.raises(RecruitmentError) as refused:
        read()
    assert refused.value.code == "not_found" and refused.value.status == 404


def test_a_request_and_its_offers_are_the_owners(mohammed, sarah, manager, office):
    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    assert selectors.request_get_for(actor=mohammed, uid=request.uid) == request
    assert list(selectors.offers_to_compare(actor=mohammed, request=request)) == [offer]
    for stranger_reads in (
        lambda: selectors.request_get_for(actor=sarah, uid=request.uid),
        lambda: selectors.request_get_for(actor=mohammed, uid=uuid.uuid4()),
        lambda: selectors.request_get_for(actor=mohammed, uid="not-an-id"),
        lambda: selectors.offer_get_for_owner(actor=sarah, request=request, uid=offer.uid),
    ):
        not_found(stranger_reads)
    assert not selectors.offers_to_compare(actor=sarah, request=request).exists()


def test_an_office_sees_the_requests_it_received_once_they_are_sent(
    mohammed, sarah, manager, employee, other_manager, office, other_office
):
    waiting = sent_request(mohammed, [office], visa=False)  # waits for its visa
    sent = sent_request(sarah, [office])
    for person in (manager, employee):
        assert [r.request for r in selectors.incoming_for_office(actor=person)] == [sent]
    assert not selectors.incoming_for_office(actor=other_manager).exists()
    assert not selectors.incoming_for_office(actor=mohammed).exists()
    received = received_by(sent, office)
    assert selectors.incoming_get_for(actor=employee, uid=received.uid) == received
    not_found(lambda: selectors.incoming_get_for(actor=other_manager, uid=received.uid))
    not_found(
        lambda: selectors.incoming_get_for(actor=manager, uid=received_by(waiting, office).uid)
    )
    offer = offer_from(manager, sent, office)
    assert selectors.offer_get_for_office(actor=employee, uid=offer.uid) == offer
    not_found(lambda: selectors.offer_get_for_office(actor=other_manager, uid=offer.uid))


def test_a_contract_and_its_statement_are_for_the_parties_and_the_staff_who_may(
    mohammed, sarah, manager, employee, other_manager, office, other_office, staff_roles
):
    contract = paid_contract(mohammed, manager, office)
    allowed = StaffFactory(username="auditor", permissions=["view_all_contracts"])
    plain_staff = StaffFactory(username="helper")
    for reader in (mohammed, manager, employee, allowed):
        assert selectors.contract_get_for(actor=reader, uid=contract.uid) == contract
        assert selectors.statement_for(actor=reader, contract=contract).balanced
    for stranger in (sarah, other_manager, plain_staff):
        not_found(
            lambda stranger=stranger: selectors.contract_get_for(actor=stranger, uid=contract.uid)
        )
        not_found(
            lambda stranger=stranger: selectors.statement_for(actor=stranger, contract=contract)
        )
        assert not selectors.contracts_for(actor=stranger).exists()
