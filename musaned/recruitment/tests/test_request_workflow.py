"""The request's table and that of its rows for each office: every allowed pair works and
is audited; every other pair is refused with 409 and changes nothing; and what the visa's
decision does to a request waiting for it."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.workflow import transition
from musaned.notifications.models import Notification
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.recruitment.models import (
    Offer,
    RecruitmentRequest,
    RequestOffice,
    RequestOfficeState,
    RequestState,
)
from musaned.recruitment.services import contracts, offers, requests
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    accepted,
    offer_from,
    received_by,
    sent_request,
)
from musaned.recruitment.workflow.request import (
    OFFICE_MACHINE,
    REQUEST_MACHINE,
    Action,
    OfficeAction,
)
from musaned.visas.models import ArrivalPoint
from musaned.visas.services import visa_application_submit, visa_application_update
from musaned.visas.tests.factories import traffic_violations

pytestmark = pytest.mark.django_db

S = RequestState
R = RequestOfficeState


def later(**delta):
    return time_machine.travel(timezone.now() + dt.timedelta(**delta), tick=False)


def awaiting_visa(beneficiary, office) -> RecruitmentRequest:
    return sent_request(beneficiary, [office], visa=False)


def completed_visa(request: RecruitmentRequest):
    """The beneficiary completes the visa made for the request and submits it."""
    from decimal import Decimal

    from musaned.core.tests.documents import pdf_upload

    visa = visa_application_update(
        application=request.visa,
        actor=request.owner,
        arrival_point=ArrivalPoint.objects.get(code="RUH"),
        proof_type="bank",
        bank_balance=Decimal("50000"),
        proof_document=pdf_upload("proof.pdf"),
        proof_document_type="application/pdf",
        declaration=True,
    )
    return visa_application_submit(application=visa, actor=request.owner)


def put_in_state(state, beneficiary, manager, office) -> RecruitmentRequest:
    """Reach ``state`` the way the platform does."""
    if state == S.AWAITING_VISA:
        return awaiting_visa(beneficiary, office)
    if state == S.REJECTED:
        request = awaiting_visa(beneficiary, office)
        visa = completed_visa(request)
        traffic_violations(beneficiary, unpaid=True)  # reported after the fee was asked
        pay(bill_for(visa), event_id="EVT-NEW-VISA")
        return RecruitmentRequest.objects.get(pk=request.pk)
    request = sent_request(beneficiary, [office])
    if state == S.SENT:
        return request
    if state == S.EXPIRED:
        with later(days=10):
            recruitment_clocks_run()
        return RecruitmentRequest.objects.get(pk=request.pk)
    if state == S.CANCELLED:
        return requests.request_cancel(request=request, actor=beneficiary)
    offer = offer_from(manager, request, office)
    if state == S.ACCEPTED:
        offers.offer_accept(offer=offer, actor=beneficiary)
    elif state == S.DECLINED:
        offers.offers_decline(request=request, actor=beneficiary, reason="Too expensive.")
    return RecruitmentRequest.objects.get(pk=request.pk)


def counts():
    return (AuditEvent.objects.count(), Notification.objects.count(), Offer.objects.count())


def take(row, request, beneficiary, manager, office):
    """Take an allowed row as its actor does."""
    if row.action == Action.RECEIVE_OFFER:
        offer_from(manager, request, office)
    elif row.action == Action.ACCEPT:
        offers.offer_accept(offer=request.offers.get(), actor=beneficiary)
    elif row.action == Action.DECLINE:
        offers.offers_decline(request=request, actor=beneficiary, reason="None fits.")
    elif row.action == Action.CANCEL:
        requests.request_cancel(request=request, actor=beneficiary)
    elif row.action == Action.EXPIRE:
        with later(days=20):
            transition(obj=request, action=row.action, actor=None)
    else:
        transition(obj=request, action=row.action, actor=None, reasons=[])
    return RecruitmentRequest.objects.get(pk=request.pk)


@pytest.mark.parametrize(
    ("state", "action"), [(state, action) for state in S.values for action in Action]
)
def test_every_pair_of_the_request_table_works_or_is_refused_with_nothing_changed(
    state, action, mohammed, manager, office, licensing
):
    request = put_in_state(state, mohammed, manager, office)
    assert request.state == state
    row = REQUEST_MACHINE.row(state, action)
    before = counts()
    if row is None:
        staff = licensing
        for actor in (None, mohammed, manager, staff):
            with pytest.raises(InvalidTransition) as refused:
                transition(obj=request, action=action, actor=actor, reason="x")
            assert refused.value.status == 409
        assert RecruitmentRequest.objects.get(pk=request.pk).state == state
        assert counts() == before
        return
    moved = take(row, request, mohammed, manager, office)
    assert moved.state == row.target
    event = AuditEvent.objects.filter(action=f"recruitment_request.{action}").latest("id")
    assert event.target_id == str(request.pk)
    assert (event.data["old"], event.data["new"]) == (state, row.target)


def test_an_actor_a_row_does_not_admit_is_refused(mohammed, sarah, manager, other_manager, office):
    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    for actor in (sarah, manager, other_manager, None):
        with pytest.raises(InvalidTransition):
            transition(obj=request, action=Action.ACCEPT, actor=actor, offer=offer)
        with pytest.raises(InvalidTransition):
            transition(obj=request, action=Action.CANCEL, actor=actor)
    with pytest.raises(InvalidTransition):  # an office the request did not go to
        transition(obj=request, action=Action.RECEIVE_OFFER, actor=other_manager)
    assert RecruitmentRequest.objects.get(pk=request.pk).state == S.OFFERED


# --- The rows for each office ---------------------------------------------------------------


def office_row_in_state(state, beneficiary, manager, office) -> RequestOffice:
    request = sent_request(beneficiary, [office])
    received = received_by(request, office)
    if state == R.ANSWERED:
        offer_from(manager, request, office)
    elif state == R.DECLINED:
        requests.request_office_decline(received=received, actor=manager, reason="None free.")
    elif state == R.LATE:
        with later(days=10):
            recruitment_clocks_run()
    elif state == R.CLOSED:
        requests.request_cancel(request=request, actor=beneficiary)
    return RequestOffice.objects.get(pk=received.pk)


@pytest.mark.parametrize(
    ("state", "action"), [(state, action) for state in R.values for action in OfficeAction]
)
def test_every_pair_of_the_office_rows_table_works_or_is_refused_with_nothing_changed(
    state, action, mohammed, manager, office
):
    received = office_row_in_state(state, mohammed, manager, office)
    assert received.state == state
    row = OFFICE_MACHINE.row(state, action)
    before = counts()
    if row is None:
        for actor in (None, mohammed, manager):
            with pytest.raises(InvalidTransition):
                transition(obj=received, action=action, actor=actor, reason="x")
        assert RequestOffice.objects.get(pk=received.pk).state == state
        assert counts() == before
        return
    actor = manager if row.whos[0].kind == "office" else None
    # The platform's row (the window lapsing) is taken once the window has passed; the
    # office's own rows now, with the office's reason.
    with later(days=10 if actor is None else 0):
        transition(
            obj=received,
            action=action,
            actor=actor,
            reason="" if actor is None else "We have no one.",
        )
    assert RequestOffice.objects.get(pk=received.pk).state == row.target
    event = AuditEvent.objects.filter(action=f"recruitment_request_office.{action}").latest("id")
    assert (event.data["old"], event.data["new"]) == (state, row.target)


# --- What the visa's decision does ------------------------------------------------------------


def test_a_request_without_a_visa_makes_one_and_is_sent_once_it_is_issued(
    mohammed, manager, office
):
    request = awaiting_visa(mohammed, office)
    assert request.visa_is_new and request.visa.state == "draft"
    assert (request.visa.occupation, request.visa.nationality) == (
        request.occupation,
        request.nationality,
    )
    assert received_by(request, office).due_at is None  # the office does not see it yet
    visa = completed_visa(request)
    pay(bill_for(visa), event_id="EVT-NEW-VISA")
    request.refresh_from_db()
    assert request.state == S.SENT
    # A new visa: the office has 7 working days (Wednesday 2 December 2026 → Sunday the 13th).
    assert timezone.localtime(request.offers_due_at).date() == dt.date(2026, 12, 13)


def test_a_rejected_visa_rejects_the_request_with_the_reasons(mohammed, manager, office):
    request = put_in_state(S.REJECTED, mohammed, manager, office)
    assert request.state == S.REJECTED
    assert [reason["rule"] for reason in request.rejection_reasons] == ["traffic"]
    assert received_by(request, office).state == R.CLOSED


def test_discarding_the_visa_made_for_it_cancels_the_request(mohammed, office):
    from musaned.visas.services import visa_application_withdraw

    request = awaiting_visa(mohammed, office)
    visa_application_withdraw(application=request.visa, actor=mohammed)
    request.refresh_from_db()
    assert request.state == S.CANCELLED


def test_an_issued_visa_a_request_holds_cannot_be_cancelled(mohammed, office):
    from musaned.visas.errors import VisaErrorCode
    from musaned.visas.services import visa_cancel

    request = sent_request(mohammed, [office])
    with pytest.raises(Exception) as refused:
        visa_cancel(application=request.visa, actor=mohammed)
    assert refused.value.code == VisaErrorCode.IN_USE
    requests.request_cancel(request=request, actor=mohammed)
    assert visa_cancel(application=request.visa, actor=mohammed).state == "cancelled"


def test_a_contract_cancelled_before_arrival_frees_the_visa_for_a_new_request(
    mohammed, manager, office
):
    contract = accepted(mohammed, manager, office)
    contracts.contract_cancel(contract=contract, actor=mohammed)
    contract.request.refresh_from_db()
    assert contract.request.state == S.CANCELLED
    again = requests.request_make(actor=mohammed, offices=[office], **_wish())
    assert again.visa_id == contract.visa_id and not again.visa_is_new


def _wish():
    from musaned.recruitment.tests.factories import wish

    return wish()
