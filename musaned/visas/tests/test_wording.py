"""What the visa verdicts say in Arabic: counts agree with their number (one, two, 3-10,
11-99 and 100+ are said differently), and a refused submission ends with one full stop."""

import dataclasses

import pytest
from django.utils import translation

from musaned.visas import rules, services
from musaned.visas.services import VisaError
from musaned.visas.tests.factories import complete_draft

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("active", "said"),
    [
        (1, "لديك تأشيرة أو طلب نشط واحد، والحد الأقصى المسموح به 1."),
        (2, "لديك تأشيرتان أو طلبان نشطان، والحد الأقصى المسموح به 1."),
        (3, "لديك 3 تأشيرات أو طلبات نشطة، والحد الأقصى المسموح به 1."),
    ],
)
def test_the_number_of_visas_held_agrees_in_arabic(resident, active, said):
    facts = dataclasses.replace(rules.gather(user=resident), active_visas=active)
    with translation.override("ar"):
        verdict = rules.rule_capacity(facts)
    assert verdict.status == rules.Status.FAIL
    assert str(verdict.message) == said


@pytest.mark.parametrize(
    ("age", "said"), [(2, "عمرك سنتان"), (7, "عمرك 7 سنوات"), (30, "عمرك 30 سنة")]
)
def test_the_age_agrees_in_arabic(citizen, age, said):
    facts = rules.gather(user=citizen)
    born = facts.person.birth_date
    facts.rule_set.min_age = 1
    facts = dataclasses.replace(facts, today=born.replace(year=born.year + age))
    with translation.override("ar"):
        verdict = rules.rule_age(facts)
    assert str(verdict.message) == f"{said}، والحد الأدنى للعمر 1."


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_a_refused_submission_has_one_full_stop(violator, lang):
    draft = complete_draft(violator)
    with translation.override(lang), pytest.raises(VisaError) as refused:
        services.visa_application_submit(application=draft, actor=violator)
    message = str(refused.value.message)
    assert ".." not in message and message.endswith(".")
