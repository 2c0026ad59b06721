"""The local provider's hosted card page: a bill paid by card through the same signed
callback as SADAD, in the payer's language, and back to the portal in it."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from musaned.payments import services, simulator
from musaned.payments.gateway import get_gateway, pay_urls, payment_links
from musaned.payments.models import BillState, PaymentEvent, PaymentMethod
from musaned.payments.tests.conftest import assert_unchanged
from musaned.payments.tests.fakes import CALLBACK_URL

pytestmark = pytest.mark.urls("musaned.payments.tests.urls")

APPROVED = "4111 1111 1111 1111"
DECLINED = "4000 0000 0000 0002"
NO_FUNDS = "4000 0000 0000 9995"


def card_url(bill, language="en") -> str:
    return get_gateway().payment_url(bill, method=PaymentMethod.CARD, language=language)


def card(**changes) -> dict:
    return {
        "name": "NOURA ALQAHTANI",
        "number": APPROVED,
        "expiry": "08/40",
        "cvc": "123",
    } | changes


@pytest.fixture
def delivered(live_server, settings):
    """The simulator's callbacks go to the live server, as with a real provider."""
    settings.PAYMENT_CALLBACK_URL = live_server.url + CALLBACK_URL


def test_the_owner_is_offered_card_and_sadad_each_in_the_pages_language(bill):
    links = payment_links(bill, language="en")
    assert [link.method for link in links] == ["card", "sadad"]
    key = simulator.bill_key(bill)
    assert links[0].url == f"/sadad/card/{bill.number}/?key={key}&lang=en"
    assert links[1].url == f"/sadad/bills/{bill.number}/?key={key}&lang=en"
    assert pay_urls(bill, language="ar") == {
        "card": f"/sadad/card/{bill.number}/?key={key}&lang=ar",
        "sadad": f"/sadad/bills/{bill.number}/?key={key}&lang=ar",
    }


def test_the_card_page_speaks_the_payers_language(bill):
    english = Client().get(card_url(bill, "en")).content.decode()
    assert '<html lang="en" dir="ltr">' in english
    assert "Card number" in english and bill.number in english
    assert 'autocomplete="cc-number"' in english and 'inputmode="numeric"' in english
    for number, outcome in ((APPROVED, "approved"), (DECLINED, "declined by the bank")):
        assert re.search(rf">{number}</dt><dd>{outcome}</dd>", english), number
    arabic = Client().get(card_url(bill, "ar")).content.decode()
    assert '<html lang="ar" dir="rtl">' in arabic and "رقم البطاقة" in arabic
    assert "style=" not in arabic and "<script" not in arabic


def test_without_the_bills_key_the_card_page_knows_no_such_bill(bill, make_bill, recorder):
    other = make_bill()
    client = Client()
    unknown = client.get("/sadad/card/123456789015/")
    assert unknown.status_code == 404
    for key in ("", "0" * 32, simulator.bill_key(other)):
        url = f"/sadad/card/{bill.number}/?key={key}"
        assert client.get(url).content == unknown.content
        response = client.post(url, card())
        assert response.status_code == 404 and response.content == unknown.content
    assert_unchanged(bill, recorder)


def test_an_approved_card_pays_the_bill_and_goes_back_in_english(delivered, bill, recorder):
    response = Client().post(card_url(bill, "en"), card())
    assert response.status_code == 302
    assert response["Location"] == f"/en/done/{bill.number}/"
    bill.refresh_from_db()
    assert bill.state == BillState.PAID and bill.paid_with == PaymentMethod.CARD
    event = PaymentEvent.objects.get()
    assert event.payload["method"] == "card"
    # Nothing of the card reaches the platform.
    assert APPROVED.replace(" ", "") not in str(event.payload)
    assert "123" not in str(event.payload).replace(bill.number, "")
    assert recorder.paid == [bill.pk]


def test_a_sadad_payment_is_recorded_as_sadad(delivered, bill, recorder):
    page = get_gateway().payment_url(bill, language="en")
    response = Client().post(page.replace("/?", "/pay/?"))
    assert response.status_code == 302 and response["Location"] == f"/en/done/{bill.number}/"
    bill.refresh_from_db()
    assert bill.paid_with == PaymentMethod.SADAD


@pytest.mark.parametrize(
    ("number", "words"), [(DECLINED, "declined"), (NO_FUNDS, "not enough funds")]
)
def test_a_card_the_bank_declines_pays_nothing_and_keeps_what_was_typed(
    delivered, bill, recorder, number, words
):
    response = Client().post(card_url(bill, "en"), card(number=number))
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html and 'role="alert"' in html
    assert 'value="NOURA ALQAHTANI"' in html and f'value="{number}"' in html
    assert_unchanged(bill, recorder)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"number": "4111 1111 1111 1112"}, "number", "12 to 19 digits"),
        ({"number": "٤١١١ ١١١١ ١١١١ ١١١١"}, None, None),  # Arabic-Indic digits are read
        ({"expiry": "13/30"}, "expiry", "for example 08/29"),
        ({"expiry": "01/20"}, "expiry", "This card has expired."),
        ({"cvc": "12"}, "cvc", "3 or 4 digits"),
        ({"name": ""}, "name", "This field is required."),
    ],
)
def test_card_details_are_checked_before_the_bank_is_asked(
    delivered, bill, recorder, changes, field, message
):
    response = Client().post(card_url(bill, "en"), card(**changes))
    if field is None:
        assert response.status_code == 302
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html and f'href="#id_{field}"' in html
    assert re.search(
        rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', html
    )
    assert_unchanged(bill, recorder)


def test_the_card_errors_are_in_arabic_on_the_arabic_page(delivered, bill, recorder):
    html = Client().post(card_url(bill, "ar"), card(cvc="1")).content.decode()
    assert "أدخل" in html and '<html lang="ar" dir="rtl">' in html
    assert_unchanged(bill, recorder)


def test_a_paid_bill_is_not_paid_again_by_card(delivered, bill, recorder):
    client = Client()
    assert client.post(card_url(bill), card()).status_code == 302
    again = client.post(card_url(bill), card())
    assert again.status_code == 200
    assert "This bill is already paid." in again.content.decode()
    assert PaymentEvent.objects.count() == 1 and recorder.paid == [bill.pk]


def test_an_expired_bill_cannot_be_paid_by_card(bill, recorder):
    services.bills_expire(now=bill.due_at + timedelta(seconds=1))
    client = Client()
    page = client.get(card_url(bill)).content.decode()
    assert "can no longer be paid" in page and 'name="number"' not in page
    assert client.post(card_url(bill), card()).status_code == 200
    bill.refresh_from_db()
    assert bill.state == BillState.EXPIRED


def test_a_failed_delivery_keeps_the_bill_unpaid(settings, bill, recorder):
    settings.PAYMENT_CALLBACK_URL = "http://127.0.0.1:9/payments/callback/"
    response = Client().post(card_url(bill), card())
    assert response.status_code == 502
    assert "the bill is still unpaid" in response.content.decode()
    assert_unchanged(bill, recorder)


def test_the_card_page_needs_its_csrf_token(bill, recorder):
    assert Client(enforce_csrf_checks=True).post(card_url(bill), card()).status_code == 403
    assert_unchanged(bill, recorder)


def test_the_card_page_does_not_exist_with_a_real_gateway(settings, bill, recorder):
    url = card_url(bill)
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.RealProviderGateway"
    assert Client().get(url).status_code == 404
    assert Client().post(url, card()).status_code == 404
    assert_unchanged(bill, recorder)


def test_the_callback_says_how_the_bill_was_paid_and_sadad_when_it_does_not(make_bill, recorder):
    from musaned.payments.tests.fakes import pay

    assert pay(make_bill(), event_id="E-1", method="card").paid_with == PaymentMethod.CARD
    assert pay(make_bill(), event_id="E-2").paid_with == PaymentMethod.SADAD  # SADAD only


def test_a_callback_with_a_method_the_platform_does_not_know_is_malformed(bill, recorder):
    from musaned.payments.tests.fakes import pay

    with pytest.raises(services.PaymentError) as refused:
        pay(bill, method="cash")
    assert refused.value.code == "malformed"
    assert_unchanged(bill, recorder)


def test_the_sadad_page_keeps_the_language_and_offers_the_card(bill):
    html = Client().get(get_gateway().payment_url(bill, language="en")).content.decode()
    key = simulator.bill_key(bill)
    assert f'action="/sadad/bills/{bill.number}/pay/?key={key}&amp;lang=en"' in html
    assert f'href="/sadad/card/{bill.number}/?key={key}&amp;lang=en"' in html
