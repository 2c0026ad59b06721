"""Visa inquiry: by issued number for anyone; by request, visa, issued or ID number in the
account."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import translation
from django.utils.translation import gettext

from musaned.core.models import AuditEvent
from musaned.visas.tests.factories import issued_visa

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def visa(exempt):
    """Noura's issued visa (fee exempt, so issued on submit)."""
    application = issued_visa(exempt)
    assert application.issued_number
    return application


def ask(client, issued_number, national_id, captcha="PASSED"):
    return client.post(
        "/en/inquiry/",
        {
            "issued_number": issued_number,
            "national_id": national_id,
            "captcha_0": "x",
            "captcha_1": captcha,
        },
    )


def card_rows(html: str) -> list[tuple[str, str]]:
    """(label, value) pairs of the visa card on a page, tags stripped."""
    block = re.search(r'<dl class="summary-list visa-card">(.*?)</dl>', html, re.S).group(1)
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block, re.S)
    return [(label.strip(), re.sub(r"<[^>]+>", "", value).strip()) for label, value in pairs]


def result_of(html: str) -> str:
    match = re.search(r'id="inquiry-result"[^>]*>(.*?)</(section|div)>', html, re.S)
    return match.group(1) if match else ""


def test_anyone_finds_a_visa_by_issued_number_and_sponsor_id(client, visa, exempt):
    response = ask(client, visa.issued_number, exempt.national_id)
    assert response.status_code == 200
    rows = dict(card_rows(response.text))
    assert rows["Visa number"] == visa.visa_number
    assert rows["Sponsor"] == "نورة ا***"
    assert exempt.national_id not in result_of(response.text)


def test_arabic_indic_digits_work_too(client, visa, exempt):
    table = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    response = ask(client, visa.issued_number.translate(table), exempt.national_id.translate(table))
    assert dict(card_rows(response.text))["Visa number"] == visa.visa_number


def test_not_found_and_mismatch_answer_the_same(client, visa, citizen):
    mismatch = ask(client, visa.issued_number, citizen.national_id)  # a real ID, not the sponsor's
    not_found = ask(Client(), "4000000000", citizen.national_id)
    assert result_of(mismatch.text) == result_of(not_found.text) != ""
    assert mismatch.status_code == not_found.status_code == 200


def test_wrong_captcha_keeps_the_numbers(client, visa, exempt):
    response = ask(client, visa.issued_number, exempt.national_id, captcha="WRONG")
    assert 'id="inquiry-result"' not in response.text
    assert f'value="{visa.issued_number}"' in response.text
    assert f'value="{exempt.national_id}"' in response.text


def test_numbers_travel_by_post_only_and_every_inquiry_is_audited_masked(client, visa, exempt):
    page = client.get("/en/inquiry/").text
    assert '<form method="post"' in page and 'id="inquiry-result"' not in page
    ask(client, visa.issued_number, exempt.national_id)
    event = AuditEvent.objects.filter(action="visa.inquiry").latest("created_at")
    assert event.data == {"national_id": "1*******16", "found": True}


@override_settings(MUSANED_RATE_INQUIRY="2/m")
def test_inquiry_limit_trips_with_a_translated_429_and_the_window_resets(visa, exempt):
    client = Client()
    start = dt.datetime(2026, 11, 25, 10, 0, 5, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert ask(client, visa.issued_number, exempt.national_id).status_code == 200
        assert ask(client, visa.issued_number, exempt.national_id).status_code == 200
        blocked = client.post("/inquiry/", {"issued_number": "1", "national_id": "1"})
        assert blocked.status_code == 429
        with translation.override("ar"):
            assert gettext("Too many requests") in blocked.text
        clock.shift(dt.timedelta(minutes=1))
        assert ask(client, visa.issued_number, exempt.national_id).status_code == 200


def test_signed_in_inquiry_by_request_number_and_by_own_id(client, visa, exempt, citizen):
    client.force_login(exempt)
    by_reference = client.post("/en/visas/inquiry/", {"query": visa.reference})
    assert dict(card_rows(by_reference.text))["Visa number"] == visa.visa_number
    assert f'href="/en/visas/{visa.reference}/"' in by_reference.text
    by_id = client.post("/en/visas/inquiry/", {"query": exempt.national_id})
    assert visa.visa_number in by_id.text

    other = Client()
    other.force_login(citizen)
    assert visa.visa_number not in other.post("/en/visas/inquiry/", {"query": visa.reference}).text
    assert (
        visa.visa_number not in other.post("/en/visas/inquiry/", {"query": exempt.national_id}).text
    )


@pytest.mark.parametrize("number", ["issued_number", "visa_number"])
def test_signed_in_inquiry_by_issued_number_and_by_visa_number(
    client, visa, exempt, citizen, number
):
    client.force_login(exempt)
    found = client.post("/visas/inquiry/", {"query": getattr(visa, number)})
    assert dict(card_rows(found.text))["رقم التأشيرة"] == visa.visa_number
    assert f'href="/visas/{visa.reference}/"' in found.text
    # Arabic-Indic digits are the same number.
    table = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    again = client.post("/visas/inquiry/", {"query": getattr(visa, number).translate(table)})
    assert card_rows(again.text) == card_rows(found.text)

    # Someone else's issued or visa number finds nothing, as an unknown number does.
    other = Client()
    other.force_login(citizen)
    theirs = other.post("/visas/inquiry/", {"query": getattr(visa, number)})
    unknown = other.post("/visas/inquiry/", {"query": "4000000000"})
    results = theirs.text.split('id="inquiry-results"')[1]
    assert visa.reference not in results and 'class="notice notice--warning"' in results
    assert theirs.text.count("visa-card") == unknown.text.count("visa-card") == 0


def test_public_inquiry_account_inquiry_and_qr_page_show_the_same_card(client, visa, exempt):
    public = card_rows(ask(client, visa.issued_number, exempt.national_id).text)
    owner = Client()
    owner.force_login(exempt)
    in_account = card_rows(owner.post("/en/visas/inquiry/", {"query": visa.reference}).text)
    qr_page = card_rows(Client().get(f"/en/verify/{visa.verification_token}/").text)
    assert public == in_account == qr_page
    assert len(public) == 10


def test_the_public_inquiry_is_one_query_and_one_audit_row(
    visa, exempt, django_assert_max_num_queries
):
    from musaned.visas.services import visa_inquiry_public

    # One SELECT for the card; the audit INSERT (and its savepoint on SQLite/PostgreSQL).
    with django_assert_max_num_queries(4):
        card = visa_inquiry_public(issued_number=visa.issued_number, national_id=exempt.national_id)
    assert card.visa_number == visa.visa_number and card.occupation


def test_the_masked_arabic_name_is_isolated_on_english_pages(client, visa, exempt):
    """ "نورة ا***" inside a left-to-right page keeps its order only when isolated."""
    isolated = "<bdi>نورة ا***</bdi>"
    assert isolated in ask(client, visa.issued_number, exempt.national_id).text
    assert isolated in Client().get(f"/en/verify/{visa.verification_token}/").text
    owner = Client()
    owner.force_login(exempt)
    assert isolated in owner.post("/en/visas/inquiry/", {"query": visa.issued_number}).text
    # and an English name on the Arabic QR page the same way
    exempt.first_name, exempt.last_name = "Noura", "Alharbi"
    exempt.save(update_fields=["first_name", "last_name"])
    assert "<bdi>Noura A***</bdi>" in Client().get(f"/verify/{visa.verification_token}/").text
