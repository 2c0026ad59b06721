"""Signing the contract: the beneficiary re-authenticates with an SMS code, the office's
manager signs from the portal; each signature holds the document's SHA-256, the signer and
the time; once both signed, the bill of the total is issued on the payment port, and its
paid callback holds the money and starts the clock."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from musaned.accounts.errors import AccountError
from musaned.core.errors import InvalidTransition
from musaned.core.workflow import transition
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.recruitment.documents import fingerprint
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.models import Contract, ContractState, DeliveryClock, Signature
from musaned.recruitment.services import contracts
from musaned.recruitment.tests.factories import accepted, paid, signature_code, signed
from musaned.recruitment.workflow.contract import Action

pytestmark = pytest.mark.django_db

S = ContractState


def test_the_beneficiary_signs_with_the_sms_code_and_the_signature_holds_the_hash(
    mohammed, manager, office
):
    contract = accepted(mohammed, manager, office)
    code = signature_code(mohammed, contract)
    signed_once = contracts.contract_sign_as_beneficiary(
        contract=contract, actor=mohammed, attempt="attempt-1", code=code
    )
    assert signed_once.state == S.SIGNED_BY_BENEFICIARY
    signature = Signature.objects.get(contract=contract)
    assert (signature.signer, signature.role, signature.method) == (
        mohammed,
        "beneficiary",
        "sms_code",
    )
    assert signature.document_hash == contract.document_hash == fingerprint(contract.document)
    assert len(signature.document_hash) == 64
    assert abs(signature.signed_at - timezone.now()) < dt.timedelta(minutes=1)
    with pytest.raises(InvalidTransition):  # a second signature of the same party
        contracts.contract_sign_as_beneficiary(
            contract=contract, actor=mohammed, attempt="attempt-1", code=code
        )


def test_a_wrong_code_signs_nothing_and_counts_as_a_try(mohammed, manager, office):
    from musaned.accounts.models import OneTimeCode

    contract = accepted(mohammed, manager, office)
    code = signature_code(mohammed, contract)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(AccountError) as refused:
        contracts.contract_sign_as_beneficiary(
            contract=contract, actor=mohammed, attempt="attempt-1", code=wrong
        )
    assert refused.value.code == "code_invalid"
    with pytest.raises(AccountError):  # the right code, from another session
        contracts.contract_sign_as_beneficiary(
            contract=contract, actor=mohammed, attempt="someone-else", code=code
        )
    assert not Signature.objects.exists()
    assert Contract.objects.get(pk=contract.pk).state == S.AWAITING_SIGNATURES
    assert OneTimeCode.objects.get(user=mohammed, purpose="signature").failed_tries == 1


def test_the_sign_in_code_does_not_sign(mohammed, manager, office, last_sms_code):
    from django.test import TestCase

    from musaned.accounts.models import CodePurpose
    from musaned.accounts.services import code_send

    contract = accepted(mohammed, manager, office)
    with TestCase.captureOnCommitCallbacks(execute=True):
        code_send(user=mohammed, purpose=CodePurpose.LOGIN, attempt="attempt-1")
    sign_in_code = last_sms_code(mohammed.mobile)
    with pytest.raises(AccountError):
        contracts.contract_sign_as_beneficiary(
            contract=contract, actor=mohammed, attempt="attempt-1", code=sign_in_code
        )
    assert not Signature.objects.exists()


def test_the_row_alone_does_not_sign_for_the_beneficiary_without_the_code(
    mohammed, manager, office
):
    contract = accepted(mohammed, manager, office)
    with pytest.raises(RecruitmentError):
        transition(obj=contract, action=Action.SIGN_AS_BENEFICIARY, actor=mohammed)
    assert not Signature.objects.exists()


def test_no_code_is_sent_when_the_beneficiary_may_not_sign(mohammed, sarah, manager, office):
    from musaned.recruitment.tests.factories import codes_of

    contract = accepted(mohammed, manager, office)
    with pytest.raises(InvalidTransition):
        contracts.contract_signature_code_send(contract=contract, actor=sarah, attempt="a")
    assert codes_of(sarah) == 0
    code = signature_code(mohammed, contract)
    contracts.contract_sign_as_beneficiary(
        contract=contract, actor=mohammed, attempt="attempt-1", code=code
    )
    with pytest.raises(InvalidTransition):  # signed already: no second code
        contracts.contract_signature_code_send(contract=contract, actor=mohammed, attempt="b")
    assert codes_of(mohammed) == 1


def test_once_both_signed_the_bill_of_the_total_is_issued_and_its_payment_holds_the_money(
    mohammed, manager, office
):
    contract = signed(mohammed, manager, accepted(mohammed, manager, office))
    assert contract.state == S.SIGNED and contract.signed_at is not None
    bill = bill_for(contract)
    assert (bill.amount, bill.owner, bill.state) == (contract.total, mohammed, BillState.UNPAID)
    assert bill.due_at == contract.respond_by
    assert contract.number in bill.description
    contract = paid(contract)
    assert (contract.state, contract.clock) == (S.PAID, DeliveryClock.RUNNING)
    assert contract.paid_on == timezone.localdate()
    assert contract.extension_ends_on == contract.paid_on + dt.timedelta(days=119)


def test_signing_after_the_time_to_respond_is_refused(mohammed, manager, office):
    contract = accepted(mohammed, manager, office)
    with (
        time_machine.travel(contract.respond_by, tick=False),
        pytest.raises(RecruitmentError) as refused,
    ):
        contracts.contract_sign_as_office(contract=contract, actor=manager)
    assert refused.value.code == "time_passed"


def test_the_document_says_what_was_agreed_in_both_languages(mohammed, manager, office):
    contract = accepted(mohammed, manager, office)
    document = contract.document
    assert document["number"] == contract.number
    assert document["worker"]["passport_number"] == contract.passport_number
    assert document["money"]["total"] == str(contract.total)
    assert document["terms"]["version"] == "2026.1"
    assert len(document["terms"]["clauses"]["ar"]) == len(document["terms"]["clauses"]["en"]) > 5
    assert document["beneficiary"]["national_id"] == mohammed.national_id
    assert document["office"]["licence_number"] == office.licence_number


def test_contract_numbers_are_not_sequential(mohammed, sarah, manager, office):
    from musaned.core.digits import luhn_ok

    one = accepted(mohammed, manager, office)
    two = accepted(sarah, manager, office)
    for contract in (one, two):
        assert len(contract.number) == 12 and luhn_ok(contract.number)
    assert abs(int(one.number) - int(two.number)) != 1
