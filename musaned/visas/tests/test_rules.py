import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from musaned.visas import rules
from musaned.visas.models import CapacityTier, Nationality, RuleSet
from musaned.visas.tests.factories import complete_draft

pytestmark = pytest.mark.django_db


def statuses(verdicts):
    return {v.rule: v.status for v in verdicts}


def test_eligible_citizen_sees_every_rule_pass_or_ask_for_the_application(citizen):
    verdicts = statuses(rules.evaluate(user=citizen))
    assert verdicts["registry"] == verdicts["age"] == verdicts["traffic"] == rules.Status.PASS
    assert verdicts["capacity"] == rules.Status.NEEDS_INFO
    assert rules.Status.FAIL not in verdicts.values()


def test_unpaid_traffic_violation_fails_before_anything_is_paid(violator):
    verdict = next(v for v in rules.evaluate(user=violator) if v.rule == "traffic")
    assert verdict.status == rules.Status.FAIL
    assert verdict.advice  # says what to do to pass


def test_disability_exemption_means_no_fee(exempt):
    facts = rules.gather(user=exempt)
    assert rules.fee_for(facts) == Decimal("0")


def test_resident_may_not_recruit_own_nationality(resident):
    draft = complete_draft(
        resident, nationality="EGY", bank_balance=Decimal("150000"), monthly_salary=Decimal("12000")
    )
    verdict = next(
        v for v in rules.evaluate(user=resident, application=draft) if v.rule == "own_nationality"
    )
    assert verdict.status == rules.Status.FAIL


def test_resident_needs_salary_and_balance_for_the_first_visa(resident):
    draft = complete_draft(resident, bank_balance=Decimal("150000"), monthly_salary=None)
    verdict = next(
        v for v in rules.evaluate(user=resident, application=draft) if v.rule == "capacity"
    )
    assert verdict.status == rules.Status.FAIL


def test_citizen_first_visa_passes_with_a_balance_of_40000(citizen):
    draft = complete_draft(citizen, bank_balance=Decimal("40000"))
    verdict = next(
        v for v in rules.evaluate(user=citizen, application=draft) if v.rule == "capacity"
    )
    assert verdict.status == rules.Status.PASS


def test_home_nurse_needs_a_person_to_read_the_medical_report(citizen):
    draft = complete_draft(citizen, occupation="home-nurse")
    verdict = next(
        v for v in rules.evaluate(user=citizen, application=draft) if v.rule == "document"
    )
    assert verdict.status == rules.Status.REVIEW


def test_a_rule_set_dated_in_the_future_waits_for_its_date(citizen):
    # Mohammed was born 15 Rajab 1405 (1985): an age limit of 50 from 2027 fails him only then.
    future = RuleSet.objects.create(
        effective_from=dt.date(2027, 1, 1),
        fee=Decimal("2500"),
        min_age=50,
        validity_months=24,
        fix_window_days=4,
    )
    CapacityTier.objects.create(
        rule_set=future, category="citizen", visa_number=1, min_balance=Decimal("1")
    )
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, tzinfo=dt.UTC)):
        today = statuses(rules.evaluate(user=citizen))
        assert today["age"] == rules.Status.PASS
        assert rules.gather(user=citizen).rule_set.fee == Decimal("2000")
    with time_machine.travel(dt.datetime(2027, 1, 1, 12, tzinfo=dt.UTC)):
        later = statuses(rules.evaluate(user=citizen))
        assert later["age"] == rules.Status.FAIL
        assert rules.gather(user=citizen).rule_set.fee == Decimal("2500")


def test_catalogues_hold_the_occupations_and_nationalities_of_the_product(db):
    assert Nationality.objects.filter(code__in=["PHL", "IDN", "IND", "KEN", "ETH"]).count() == 5
