"""The offer's table: every allowed pair works and is audited; every other pair is refused
with 409 and changes nothing. And the offer's own rules: the window, the price, the CV."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.core.uploads import UploadRefused
from musaned.core.workflow import transition
from musaned.notifications.models import Notification
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.models import Offer, OfferState, RequestState
from musaned.recruitment.services import contracts, offers, requests
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.recruitment.tests.factories import (
    cv,
    offer_from,
    received_by,
    sent_request,
)
from musaned.recruitment.workflow.offer import OFFER_MACHINE, Action
from musaned.visas.models import Nationality

pytestmark = pytest.mark.django_db

S = OfferState


def later(**delta):
    return time_machine.travel(timezone.now() + dt.timedelta(**delta), tick=False)


def put_in_state(state, beneficiary, manager, office) -> Offer:
    request = sent_request(beneficiary, [office])
    offer = offer_from(manager, request, office)
    if state == S.ACCEPTED:
        offers.offer_accept(offer=offer, actor=beneficiary)
    elif state == S.DECLINED:
        offers.offers_decline(request=request, actor=beneficiary, reason="Too expensive.")
    elif state == S.WITHDRAWN:
        offers.offer_retract(offer=offer, actor=manager)
    elif state == S.EXPIRED:
        with later(days=30):
            recruitment_clocks_run()
    elif state == S.RELEASED:
        contract = offers.offer_accept(offer=offer, actor=beneficiary)
        contracts.contract_cancel(contract=contract, actor=beneficiary)
    return Offer.objects.get(pk=offer.pk)


def counts():
    return (AuditEvent.objects.count(), Notification.objects.count())


def actor_of(row, beneficiary, manager):
    kind = row.whos[0].kind
    return {"owner": beneficiary, "office": manager}.get(kind)


@pytest.mark.parametrize(
    ("state", "action"), [(state, action) for state in S.values for action in Action]
)
def test_every_pair_of_the_offer_table_works_or_is_refused_with_nothing_changed(
    state, action, mohammed, manager, office
):
    offer = put_in_state(state, mohammed, manager, office)
    assert offer.state == state
    row = OFFER_MACHINE.row(state, action)
    before = counts()
    if row is None:
        for actor in (None, mohammed, manager):
            with pytest.raises(InvalidTransition):
                transition(obj=offer, action=action, actor=actor)
        assert Offer.objects.get(pk=offer.pk).state == state
        assert counts() == before
        return
    moved = transition(obj=offer, action=action, actor=actor_of(row, mohammed, manager))
    assert moved.state == row.target
    event = AuditEvent.objects.filter(action=f"recruitment_offer.{action}").latest("id")
    assert event.target_id == str(offer.pk)
    assert (event.data["old"], event.data["new"]) == (state, row.target)


def test_only_the_beneficiary_accepts_and_only_the_office_takes_back(
    mohammed, sarah, manager, other_manager, office
):
    request = sent_request(mohammed, [office])
    offer = offer_from(manager, request, office)
    for stranger in (sarah, other_manager, manager):
        with pytest.raises(InvalidTransition):
            transition(obj=offer, action=Action.ACCEPT, actor=stranger)
    for stranger in (mohammed, other_manager, sarah):
        with pytest.raises(InvalidTransition):
            offers.offer_retract(offer=offer, actor=stranger)
    with pytest.raises(RecruitmentError) as refused:
        offers.offer_accept(offer=offer, actor=sarah)
    assert refused.value.code == Code.NOT_FOUND
    assert Offer.objects.get(pk=offer.pk).state == S.SENT


# --- Making an offer -------------------------------------------------------------------------


def refused_code(manager, request, office, **overrides):
    with pytest.raises((RecruitmentError, UploadRefused)) as refused:
        offer_from(manager, request, office, **overrides)
    return refused.value


def test_an_offer_keeps_to_the_listed_price_and_the_ceiling(mohammed, manager, office):
    request = sent_request(mohammed, [office])
    error = refused_code(manager, request, office, price=Decimal("12000.01"))
    assert error.code == Code.PRICE_ABOVE_LIST and "price" in error.fields
    assert offer_from(manager, request, office, price=Decimal("12000")).price == Decimal("12000")


def test_an_offer_above_the_ceiling_in_force_is_refused(mohammed, manager, office, licensing):
    from musaned.offices.models import OfficePrice, PriceCeiling

    request = sent_request(mohammed, [office])
    # A lower ceiling from today: the office's price is suspended, and an offer above it refused.
    PriceCeiling.objects.create(
        nationality=Nationality.objects.get(code="PHL"),
        amount=Decimal("11000"),
        effective_from=timezone.localdate(),
        source="test",
    )
    error = refused_code(manager, request, office, price=Decimal("11500"))
    assert error.code == Code.PRICE_ABOVE_CEILING
    assert OfficePrice.objects.filter(office=office).exists()


def test_an_offer_checks_the_cv(mohammed, manager, office):
    request = sent_request(mohammed, [office])
    assert refused_code(manager, request, office, passport_number="x").code == Code.PASSPORT_INVALID
    too_young = timezone.localdate().replace(year=timezone.localdate().year - 19)
    assert refused_code(manager, request, office, date_of_birth=too_young).code == Code.WORKER_AGE
    kenyan = Nationality.objects.get(code="KEN")
    assert (
        refused_code(manager, request, office, nationality=kenyan).code == Code.WORKER_NATIONALITY
    )
    assert refused_code(manager, request, office, languages=["xx"]).code == Code.CHOICE_UNKNOWN
    assert refused_code(manager, request, office, days_to_arrival=0).code == Code.DAYS_RANGE
    assert (
        refused_code(manager, request, office, monthly_salary="0").code == Code.SALARY_NOT_POSITIVE
    )
    from musaned.core.tests.documents import pdf_upload

    assert refused_code(manager, request, office, photo=pdf_upload("cv.pdf")).code == "type"
    assert not Offer.objects.exists()


def test_an_office_answers_only_within_its_window(mohammed, manager, office):
    request = sent_request(mohammed, [office])
    # An existing visa: 2 working days (Wednesday 2 December 2026 → Sunday the 6th).
    assert timezone.localtime(request.offers_due_at).date() == dt.date(2026, 12, 6)
    with later(days=5):
        assert refused_code(manager, request, office).code == Code.WINDOW_CLOSED


def test_an_office_the_request_did_not_go_to_cannot_answer_it(
    mohammed, manager, other_manager, office, other_office
):
    request = sent_request(mohammed, [office])
    with pytest.raises(RecruitmentError) as refused:
        offers.offer_make(actor=other_manager, received=received_by(request, office), **cv())
    assert refused.value.code == Code.NOT_FOUND


def test_the_same_worker_is_offered_once_per_request(mohammed, manager, office):
    request = sent_request(mohammed, [office])
    offer_from(manager, request, office, passport_number="P7777777")
    again = refused_code(manager, request, office, passport_number="p 777-7777")
    assert again.code == Code.WORKER_ALREADY_OFFERED


def test_a_reserved_worker_cannot_be_offered_or_accepted_again(mohammed, sarah, manager, office):
    first = sent_request(mohammed, [office])
    second = sent_request(sarah, [office])
    offer_one = offer_from(manager, first, office, passport_number="P5555555")
    offer_two = offer_from(manager, second, office, passport_number="P5555555")
    offers.offer_accept(offer=offer_one, actor=mohammed)
    with pytest.raises(RecruitmentError) as refused:
        offers.offer_accept(offer=offer_two, actor=sarah)
    assert refused.value.code == Code.WORKER_TAKEN and refused.value.status == 409
    assert Offer.objects.get(pk=offer_two.pk).state == S.SENT
    # Nor may an office offer her anywhere while she is reserved.
    again = refused_code(manager, second, office, passport_number="P5555555")
    assert again.code == Code.WORKER_TAKEN


def test_accepting_one_offer_withdraws_the_others_and_closes_the_silent_offices(
    mohammed, manager, other_manager, office, other_office
):
    request = sent_request(mohammed, [office, other_office])
    one = offer_from(manager, request, office)
    two = offer_from(manager, request, office, full_name="Ana Cruz")
    contract = offers.offer_accept(offer=two, actor=mohammed)
    assert Offer.objects.get(pk=one.pk).state == S.WITHDRAWN
    assert received_by(request, other_office).state == "closed"
    assert contract.offer_id == two.pk
    request.refresh_from_db()
    assert request.state == RequestState.ACCEPTED


def test_declining_all_needs_a_reason(mohammed, manager, office):
    request = sent_request(mohammed, [office])
    offer_from(manager, request, office)
    with pytest.raises(RecruitmentError) as refused:
        offers.offers_decline(request=request, actor=mohammed, reason=" ")
    assert refused.value.code == Code.REASON_REQUIRED
    declined = offers.offers_decline(request=request, actor=mohammed, reason="None speaks Arabic.")
    assert declined.decline_reason == "None speaks Arabic."
    assert set(request.offers.values_list("state", flat=True)) == {S.DECLINED}


def test_an_office_may_decline_a_request_it_cannot_supply(mohammed, manager, office, other_office):
    request = sent_request(mohammed, [office, other_office])
    received = requests.request_office_decline(
        received=received_by(request, office), actor=manager, reason="No one free."
    )
    assert received.state == "declined" and received.decline_reason == "No one free."
    request.refresh_from_db()
    assert request.state == RequestState.SENT  # the other office may still answer
