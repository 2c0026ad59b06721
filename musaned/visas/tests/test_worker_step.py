"""Visa step 1: the worker's gender agrees with the occupation before anything is sent,
with and without the page's script (the script itself is checked in tests/browser)."""

import re

import pytest
from django.test import Client

from musaned.visas import services
from musaned.visas.models import Nationality, Occupation, VisaApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(citizen):
    return services.visa_application_create(owner=citizen)


@pytest.fixture
def page(citizen):
    client = Client()
    client.force_login(citizen)
    return client


def radios(html: str) -> dict[str, set[str]]:
    """Each gender radio's value and its disabled/checked state."""
    found = {}
    for tag in re.findall(r'<input type="radio" name="worker_gender"[^>]*>', html):
        value = re.search(r'value="([^"]*)"', tag).group(1)
        found[value] = {flag for flag in ("disabled", "checked") if re.search(rf"\b{flag}\b", tag)}
    return found


def test_each_occupation_says_which_genders_it_is_open_to(page, draft):
    html = page.get(f"/visas/{draft.reference}/worker/").text
    housemaid = Occupation.objects.get(code="housemaid")
    driver = Occupation.objects.get(code="private-driver")
    cook = Occupation.objects.get(code="cook")
    assert re.search(
        rf'<option value="{housemaid.pk}" data-genders="F">عاملة منزلية \(للإناث فقط\)', html
    )
    assert re.search(rf'<option value="{driver.pk}" data-genders="M">سائق خاص \(للذكور فقط\)', html)
    assert re.search(rf'<option value="{cook.pk}" data-genders="MF">طباخ</option>', html)
    # No occupation yet: both genders are open.
    assert radios(html) == {"M": set(), "F": set()}


def test_without_the_script_the_server_shows_the_genders_of_the_chosen_occupation(page, draft):
    housemaid = Occupation.objects.get(code="housemaid")
    philippines = Nationality.objects.get(code="PHL")
    response = page.post(
        f"/visas/{draft.reference}/worker/",
        {"occupation": housemaid.pk, "nationality": philippines.pk, "refresh_genders": "1"},
    )
    assert response.status_code == 200
    html = response.text
    assert radios(html) == {"M": {"disabled"}, "F": {"checked"}}
    assert 'id="error-summary"' not in html  # the other fields are not blamed yet
    assert re.search(rf'<option value="{philippines.pk}" selected>', html)  # kept
    assert re.search(rf'<option value="{housemaid.pk}" selected data-genders="F">', html)
    draft.refresh_from_db()
    assert draft.occupation_id is None  # nothing saved


def test_a_mismatch_sent_anyway_is_a_field_error_that_keeps_everything(page, draft):
    driver = Occupation.objects.get(code="private-driver")
    philippines = Nationality.objects.get(code="PHL")
    response = page.post(
        f"/visas/{draft.reference}/worker/",
        {"occupation": driver.pk, "nationality": philippines.pk, "worker_gender": "F"},
    )
    assert response.status_code == 200
    html = response.text
    assert "مهنة «سائق خاص» مقتصرة على العمالة من جنس" in html
    assert 'href="#id_worker_gender_0"' in html  # the summary leads to the gender
    assert radios(html) == {"M": set(), "F": {"disabled"}}
    assert re.search(rf'<option value="{philippines.pk}" selected>', html)
    assert VisaApplication.objects.get(pk=draft.pk).occupation_id is None


def test_a_saved_women_only_occupation_comes_back_with_male_disabled(page, draft, citizen):
    housemaid = Occupation.objects.get(code="housemaid")
    services.visa_application_update(
        application=draft, actor=citizen, occupation=housemaid, worker_gender="F"
    )
    html = page.get(f"/visas/{draft.reference}/worker/").text
    assert radios(html) == {"M": {"disabled"}, "F": {"checked"}}


def test_the_review_step_lists_what_is_still_missing_in_arabic(page, draft):
    # A draft with nothing filled in: the review names each missing part (it used to say
    # "Still missing: 1", a count of the rules waiting for information).
    html = page.get(f"/visas/{draft.reference}/review/").text
    notice = re.search(r'<p class="notice notice--warning">(.*?)</p>', html, re.S).group(1)
    assert notice.strip().startswith("ما زال ينقص:")
    for part in ("المهنة", "جنسية العامل", "منفذ الوصول"):
        assert part in notice
