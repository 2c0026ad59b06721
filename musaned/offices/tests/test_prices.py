"""Prices under the ministry's dated ceilings: refused above the ceiling in force; a new
lower ceiling suspends the prices above it (never changes them) and tells the office, at
once or on the day it takes effect; VAT from its dated rate."""

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone, translation

from musaned.core.errors import ApplicationError
from musaned.core.models import AuditEvent
from musaned.notifications.models import Notification
from musaned.offices import services
from musaned.offices.ceilings import ceiling_for, ceilings_on, vat_rate_on, with_vat
from musaned.offices.errors import OfficeErrorCode as Code
from musaned.offices.models import OfficePrice, PriceCeiling, PriceState, VatRate
from musaned.offices.tests.conftest import hire, price, register_office
from musaned.visas.models import Nationality, Occupation

pytestmark = pytest.mark.django_db


def nat(code):
    return Nationality.objects.get(code=code)


def occ(code):
    return Occupation.objects.get(code=code)


def test_the_published_ceilings_are_seeded_with_their_sources():
    today = dt.date(2023, 12, 31)  # before the January 2024 reductions
    expected = {"UGA": 9500, "KEN": 10870, "BGD": 13000, "LKA": 15000, "ETH": 6900}
    for code, amount in expected.items():
        ceiling = ceiling_for(
            nationality_id=nat(code).pk, occupation_id=occ("housemaid").pk, day=today
        )
        assert ceiling.amount == Decimal(amount), code
        assert ceiling.source and ceiling.source_url.startswith("https://")
    philippines_2022 = PriceCeiling.objects.get(nationality__code="PHL", effective_from__year=2022)
    assert philippines_2022.amount == Decimal("17288")
    # The latest published figures are the ones in force now.
    assert ceiling_for(nationality_id=nat("PHL").pk, occupation_id=occ("cook").pk).amount == 14700
    vat = vat_rate_on()
    assert vat.rate == Decimal("0.15") and vat.effective_from == dt.date(2020, 7, 1) and vat.source


def test_a_price_above_the_ceiling_is_refused_with_the_ceiling_named(office, manager):
    with pytest.raises(ApplicationError) as refused:
        price(office, manager, nationality="KEN", amount="9000.01")
    error = refused.value
    assert error.code == Code.PRICE_ABOVE_CEILING and "amount" in error.fields
    with translation.override("en"):
        assert "9,000 SAR before VAT" in str(error.message)
    with translation.override("ar"):
        assert "9,000" in str(error.message) and "كينيا" in str(error.message)
    assert not OfficePrice.objects.exists()
    at_ceiling = price(office, manager, nationality="KEN", amount="9000")
    assert at_ceiling.state == PriceState.ACTIVE


def test_a_nationality_without_a_ceiling_takes_any_price(officer, manager):
    office = register_office(officer, manager=manager, nationalities=("IND",))
    assert price(office, manager, nationality="IND", amount="30000").amount == 30000


def test_an_occupation_ceiling_wins_over_the_nationality_ceiling(office, manager, officer):
    services.price_ceiling_add(
        actor=officer,
        nationality=nat("UGA"),
        occupation=occ("private-driver"),
        amount=Decimal("12000"),
        effective_from=timezone.localdate(),
        source="Test circular",
    )
    assert price(office, manager, nationality="UGA", occupation="private-driver", amount="11000")
    with pytest.raises(ApplicationError):
        price(office, manager, nationality="UGA", occupation="housemaid", amount="11000")  # 8,300


def test_only_what_the_office_recruits_can_be_priced(office, manager):
    with pytest.raises(ApplicationError) as refused:
        price(office, manager, nationality="IDN")
    assert refused.value.code == Code.NOT_RECRUITED and "nationality" in refused.value.fields


def test_an_employee_may_set_prices_and_a_stranger_may_not(office, manager, employee, beneficiary):
    hire(office, manager, employee)
    assert price(office, employee).updated_by == employee
    with pytest.raises(ApplicationError) as refused:
        price(office, beneficiary, occupation="cook")
    assert refused.value.code == Code.NOT_FOUND


def test_setting_again_changes_the_price_and_the_audit_says_from_what(office, manager):
    first = price(office, manager, amount="12000")
    second = price(office, manager, amount="11500", days=45)
    assert first.pk == second.pk and second.amount == Decimal("11500")
    event = AuditEvent.objects.filter(action="office.price_set").latest("id")
    assert event.data["previous"] == "12000.00" and event.data["amount"] == "11500"


def test_a_lower_ceiling_from_today_suspends_the_prices_above_it_at_once(officer, manager):
    office = register_office(officer, manager=manager)
    above = price(office, manager, nationality="PHL", amount="14000")
    within = price(office, manager, nationality="PHL", occupation="cook", amount="13000")
    other = price(office, manager, nationality="KEN", amount="8900")
    ceiling = services.price_ceiling_add(
        actor=officer,
        nationality=nat("PHL"),
        occupation=None,
        amount=Decimal("13500"),
        effective_from=timezone.localdate(),
        source="Circular 12",
    )
    assert ceiling.applied_at is not None
    above.refresh_from_db()
    assert (above.state, above.suspended_by, above.amount) == (
        PriceState.SUSPENDED,
        ceiling,
        Decimal("14000"),  # suspended, not changed
    )
    for kept in (within, other):
        kept.refresh_from_db()
        assert kept.state == PriceState.ACTIVE
    told = Notification.objects.filter(user=manager, key__startswith=f"ceiling-{ceiling.pk}-")
    assert told.count() == 1
    assert "13,500" in told.get().body
    # Changing it within the ceiling offers it again.
    offered = price(office, manager, nationality="PHL", amount="13500")
    assert offered.state == PriceState.ACTIVE and offered.suspended_by is None


def test_a_ceiling_for_a_later_date_suspends_nothing_until_that_day(officer, manager):
    office = register_office(officer, manager=manager)
    above = price(office, manager, nationality="KEN", amount="8800")
    starts = timezone.localdate() + dt.timedelta(days=10)
    ceiling = services.price_ceiling_add(
        actor=officer,
        nationality=nat("KEN"),
        occupation=None,
        amount=Decimal("8500"),
        effective_from=starts,
        source="Circular 13",
    )
    assert ceiling.applied_at is None
    above.refresh_from_db()
    assert above.state == PriceState.ACTIVE
    assert price(office, manager, nationality="KEN", amount="8900")  # 9,000 still in force
    with time_machine.travel(timezone.now() + dt.timedelta(days=9), tick=False):
        assert services.price_ceilings_apply() == 0  # the day before
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        out = io.StringIO()
        call_command("apply_price_ceilings", stdout=out)
        assert "Suspended 1 price(s)" in out.getvalue()
        assert services.price_ceilings_apply() == 0  # twice: nothing twice
        above.refresh_from_db()
        assert above.state == PriceState.SUSPENDED and above.amount == Decimal("8900")
        with pytest.raises(ApplicationError) as refused:
            price(office, manager, nationality="KEN", amount="8600")
        assert refused.value.code == Code.PRICE_ABOVE_CEILING
    assert Notification.objects.filter(key__startswith=f"ceiling-{ceiling.pk}-").count() == 1
    assert AuditEvent.objects.filter(action="office.prices_suspended").count() == 1


def test_a_general_ceiling_leaves_an_occupation_with_its_own_ceiling_alone(officer, manager):
    office = register_office(officer, manager=manager)
    services.price_ceiling_add(
        actor=officer,
        nationality=nat("ETH"),
        occupation=occ("cook"),
        amount=Decimal("7000"),
        effective_from=timezone.localdate(),
        source="Cooks",
    )
    cook = price(office, manager, nationality="ETH", occupation="cook", amount="6500")
    services.price_ceiling_add(
        actor=officer,
        nationality=nat("ETH"),
        occupation=None,
        amount=Decimal("5000"),
        effective_from=timezone.localdate() + dt.timedelta(days=1),
        source="Everyone else",
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        services.price_ceilings_apply()
    cook.refresh_from_db()
    assert cook.state == PriceState.ACTIVE


def test_ceilings_and_vat_are_for_licensing_officers_and_never_backdated(officer, manager):
    with pytest.raises(ApplicationError) as refused:
        services.price_ceiling_add(
            actor=manager,
            nationality=nat("KEN"),
            occupation=None,
            amount=Decimal("1"),
            effective_from=timezone.localdate(),
            source="x",
        )
    assert refused.value.code == Code.NOT_ALLOWED and refused.value.status == 403
    with pytest.raises(ApplicationError) as refused:
        services.price_ceiling_add(
            actor=officer,
            nationality=nat("KEN"),
            occupation=None,
            amount=Decimal("100"),
            effective_from=timezone.localdate() - dt.timedelta(days=1),
            source="x",
        )
    assert refused.value.code == Code.CEILING_DATE_PAST
    with pytest.raises(ApplicationError) as refused:
        services.vat_rate_add(
            actor=officer, rate=Decimal("1.5"), effective_from=timezone.localdate(), source="x"
        )
    assert refused.value.code == Code.VAT_RANGE
    services.price_ceiling_add(
        actor=officer,
        nationality=nat("KEN"),
        occupation=None,
        amount=Decimal("100"),
        effective_from=timezone.localdate() + dt.timedelta(days=3),
        source="x",
    )
    with pytest.raises(ApplicationError) as refused:
        services.price_ceiling_add(
            actor=officer,
            nationality=nat("KEN"),
            occupation=None,
            amount=Decimal("200"),
            effective_from=timezone.localdate() + dt.timedelta(days=3),
            source="y",
        )
    assert refused.value.code == Code.CEILING_EXISTS


def test_vat_is_the_dated_rate_and_rounds_to_the_halala(officer):
    assert with_vat(Decimal("9350"), vat_rate_on()) == Decimal("10752.50")  # the published figure
    assert with_vat(Decimal("100.01"), Decimal("0.15")) == Decimal("115.01")
    assert vat_rate_on(dt.date(2019, 6, 1)).rate == Decimal("0.05")
    services.vat_rate_add(
        actor=officer,
        rate=Decimal("0.16"),
        effective_from=timezone.localdate() + dt.timedelta(days=5),
        source="Test",
    )
    assert vat_rate_on().rate == Decimal("0.15")
    assert vat_rate_on(timezone.localdate() + dt.timedelta(days=5)).rate == Decimal("0.16")
    assert VatRate.objects.count() == 3


def test_all_ceilings_in_force_are_read_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        in_force = ceilings_on()
    assert in_force.for_(nat("PHL").pk, occ("nanny").pk).amount == 14700
