"""Making a request: eligibility through the visa rules (an issued, unused visa that fits is
used; otherwise the rules are asked and a visa application is made from the request), the
disability exemption's own path, the wishes, and the offices (one to three that take
requests for the nationality and occupation now)."""

import pytest

from musaned.core.digits import luhn_ok
from musaned.notifications.models import Notification
from musaned.recruitment.errors import RecruitmentError
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.models import RecruitmentRequest, RequestState
from musaned.recruitment.services import requests
from musaned.recruitment.tests.factories import (
    held_visa,
    register_office,
    sent_request,
    wish,
)
from musaned.visas.models import Nationality, Occupation, VisaApplication
from musaned.visas.tests.factories import traffic_violations

pytestmark = pytest.mark.django_db


def refused(actor, offices, **overrides) -> RecruitmentError:
    with pytest.raises(RecruitmentError) as error:
        requests.request_make(actor=actor, offices=offices, **wish(**overrides))
    return error.value


def test_a_held_visa_that_fits_is_used_and_the_offices_are_told(
    mohammed, manager, employee, office
):
    visa = held_visa(mohammed)
    request = requests.request_make(actor=mohammed, offices=[office], **wish())
    assert (request.visa, request.visa_is_new, request.state) == (visa, False, RequestState.SENT)
    assert len(request.number) == 10 and luhn_ok(request.number)
    for person in (manager, employee):
        assert Notification.objects.filter(user=person, body__contains=request.number).exists()
    # The visa is held now: a second request makes a new one.
    second = requests.request_make(actor=mohammed, offices=[office], **wish())
    assert second.visa_is_new and second.visa != visa
    assert second.state == RequestState.AWAITING_VISA


def test_a_visa_for_another_nationality_or_gender_is_not_used(mohammed, licensing, sarah):
    kenya = register_office(
        licensing, manager=sarah, nationalities=("KEN",), price="8000", name="Kenya Link"
    )
    held_visa(mohammed)  # a Filipino housemaid's
    request = requests.request_make(
        actor=mohammed, offices=[kenya], **wish(nationality=Nationality.objects.get(code="KEN"))
    )
    assert request.visa_is_new and request.visa.nationality.code == "KEN"


def test_people_with_a_disability_exemption_keep_their_own_visa_path(exempt, office):
    from django.utils import translation

    error = refused(exempt, [office])
    assert error.code == Code.DISABILITY_PATH
    with translation.override("en"):
        assert "your own visa path" in str(error.message)
    assert not RecruitmentRequest.objects.exists()
    assert not VisaApplication.objects.filter(owner=exempt).exists()


def test_a_rule_that_fails_refuses_the_request_before_any_visa_or_fee(mohammed, office):
    traffic_violations(mohammed, unpaid=True)
    error = refused(mohammed, [office])
    assert error.code == Code.NOT_ELIGIBLE
    assert not RecruitmentRequest.objects.exists()
    assert not VisaApplication.objects.filter(owner=mohammed).exists()


def test_the_wishes_are_checked(mohammed, office):
    driver = Occupation.objects.get(code="private-driver")
    assert refused(mohammed, [office], occupation=driver).code == Code.GENDER_NOT_OPEN
    assert refused(mohammed, [office], min_age=30, max_age=25).code == Code.AGE_RANGE
    assert refused(mohammed, [office], min_age=18).code == Code.AGE_RANGE
    assert refused(mohammed, [office], languages=["klingon"]).code == Code.CHOICE_UNKNOWN
    assert refused(mohammed, [office], religion="none").code == Code.CHOICE_UNKNOWN
    request = requests.request_make(
        actor=mohammed,
        offices=[office],
        **wish(min_age=25, max_age=40, min_experience_years=2, languages=["ar", "en", "ar"]),
    )
    assert request.languages == ["ar", "en"]


def test_one_to_three_offices_that_take_such_requests_now(
    mohammed, licensing, manager, office, other_office, sarah, registry
):
    from musaned.accounts.tests.factories import BeneficiaryFactory
    from musaned.offices.services import office_act
    from musaned.offices.workflow import Action as OfficeAction

    assert refused(mohammed, []).code == Code.OFFICE_COUNT
    assert refused(mohammed, [office, office]).code == Code.OFFICE_COUNT
    more = [
        register_office(licensing, manager=BeneficiaryFactory(person=person, username=name))
        for person, name in (("2000000014", "priya"), ("1000000024", "fahad"))
    ]
    assert refused(mohammed, [office, other_office, *more]).code == Code.OFFICE_COUNT
    kenya_only = register_office(licensing, manager=sarah, nationalities=("KEN",), price="8000")
    assert refused(mohammed, [kenya_only]).code == Code.OFFICE_NOT_AVAILABLE
    import datetime as dt

    from django.utils import timezone

    office_act(
        office=other_office,
        action=OfficeAction.SUSPEND,
        actor=licensing,
        ground="delay",
        until=timezone.localdate() + dt.timedelta(days=30),
        reason="Late workers.",
    )
    assert refused(mohammed, [office, other_office]).code == Code.OFFICE_NOT_AVAILABLE
    assert not RecruitmentRequest.objects.exists()
    request = sent_request(mohammed, [office, *more])
    assert request.recipients.count() == 3
