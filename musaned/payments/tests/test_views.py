"""The callback endpoint over HTTP and the local provider's pages (the simulator)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from musaned.core.models import AuditEvent
from musaned.payments import services, simulator
from musaned.payments.gateway import get_gateway
from musaned.payments.models import BillState, PaymentEvent
from musaned.payments.tests.conftest import assert_unchanged
from musaned.payments.tests.fakes import CALLBACK_URL, callback_for, post_callback, signed

pytestmark = pytest.mark.urls("musaned.payments.tests.urls")


def test_the_urls_are_outside_the_language_prefix(bill):
    assert reverse("payments:callback") == CALLBACK_URL
    assert reverse("payments:sadad_bill", kwargs={"number": bill.number}) == (
        f"/sadad/bills/{bill.number}/"
    )
    assert reverse("payments:sadad_pay", kwargs={"number": bill.number}) == (
        f"/sadad/bills/{bill.number}/pay/"
    )


def test_callback_answers_200_then_already_processed(client, bill, recorder):
    kwargs = callback_for(bill)
    first = post_callback(client, kwargs)
    assert first.status_code == 200
    assert first.json()["code"] == "ok"
    again = post_callback(client, kwargs)
    assert again.status_code == 200
    assert again.json()["code"] == "already_processed"
    assert PaymentEvent.objects.count() == 1
    assert recorder.paid == [bill.pk]


def test_callback_needs_no_csrf_token_and_no_session(bill):
    client = Client(enforce_csrf_checks=True)
    response = post_callback(client, callback_for(bill))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        (lambda bill: callback_for(bill, secret="wrong"), 401, "bad_signature"),
        (lambda bill: callback_for(bill, timestamp=1), 401, "stale_timestamp"),
        (lambda bill: callback_for(bill, amount="1.00"), 409, "amount_mismatch"),
        (lambda bill: {**callback_for(bill), "timestamp": "١٧٠٠٠٠٠٠٠٠"}, 401, "bad_signature"),
    ],
)
def test_callback_rejections_are_json(client, bill, recorder, change, status, code):
    response = post_callback(client, change(bill))
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert_unchanged(bill, recorder)


def test_callback_for_an_unknown_bill_is_404(client, bill, recorder):
    kwargs = callback_for(bill)
    raw = kwargs["raw_body"].replace(bill.number.encode(), b"123456789015")
    response = post_callback(client, signed(raw, timestamp=kwargs["timestamp"]))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_bill"


def test_callback_with_a_malformed_body_is_400(db, client):
    response = post_callback(client, signed(b"{"))
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


def test_an_unsigned_malformed_body_is_401(db, client):
    response = post_callback(client, {"raw_body": b"{", "timestamp": "1", "signature": ""})
    assert response.status_code == 401  # the signature is checked before anything else


def test_callback_answers_500_without_a_traceback_when_on_paid_fails(client, bill, recorder):
    recorder.fail_on_paid = RuntimeError("secret internals")
    response = post_callback(client, callback_for(bill))
    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content
    assert_unchanged(bill, recorder)


def test_callback_refuses_get(client):
    response = client.get(CALLBACK_URL)
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


# --- The simulator's pages ---------------------------------------------------------


def csrf_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def page_url(bill) -> str:
    """The payment link the owner's page shows (the bill's key included)."""
    return get_gateway().payment_url(bill)


def pay_url(bill, key=None) -> str:
    return f"/sadad/bills/{bill.number}/pay/?key={simulator.bill_key(bill) if key is None else key}"


def test_the_payment_link_carries_the_bills_key(bill):
    url = page_url(bill)
    assert url == f"/sadad/bills/{bill.number}/?key={simulator.bill_key(bill)}"
    assert re.fullmatch(r"[0-9a-f]{32}", simulator.bill_key(bill))


def test_the_provider_page_shows_the_bill_with_its_key(bill):
    client = Client()
    response = client.get(page_url(bill))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (bill.number, "2000.00", "Payment provider simulator", "Musaned", "sadad.css"):
        assert text in html
    assert "Demonstration — no real payments" in html
    assert 'lang="ar"' in html and 'lang="en"' in html
    assert f'action="{pay_url(bill)}"' in html
    assert "style=" not in html and "<script" not in html


def test_without_the_bills_key_the_simulator_knows_no_such_bill(bill, make_bill, recorder):
    other = make_bill()
    client = Client()
    unknown = client.get("/sadad/bills/123456789015/")
    assert unknown.status_code == 404
    for url in (
        f"/sadad/bills/{bill.number}/",
        f"/sadad/bills/{bill.number}/?key=",
        f"/sadad/bills/{bill.number}/?key={'0' * 32}",
        f"/sadad/bills/{bill.number}/?key={simulator.bill_key(other)}",  # another bill's key
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        # The same page as for a number that does not exist: it tells a stranger nothing.
        assert response.content == unknown.content
        assert bill.number not in response.content.decode()
    for key in ("", "0" * 32, simulator.bill_key(other)):
        response = client.post(pay_url(bill, key=key))
        assert response.status_code == 404
        assert response.content == unknown.content
    assert_unchanged(bill, recorder)


def test_another_user_signed_in_cannot_pay_a_bill_by_its_number(bill, make_user, recorder):
    client = Client()
    client.force_login(make_user())
    assert client.get(f"/sadad/bills/{bill.number}/").status_code == 404
    assert client.post(f"/sadad/bills/{bill.number}/pay/").status_code == 404
    assert_unchanged(bill, recorder)


def test_an_unknown_bill_is_404(db, client):
    assert client.get("/sadad/bills/123456789015/").status_code == 404
    assert client.post("/sadad/bills/123456789015/pay/").status_code == 404
    assert client.get("/sadad/bills/12345/").status_code == 404


def test_the_simulator_does_not_exist_with_a_real_gateway(settings, bill, recorder):
    key = simulator.bill_key(bill)
    settings.PAYMENT_GATEWAY_BACKEND = "musaned.payments.tests.fakes.RealProviderGateway"
    client = Client()
    assert client.get(f"/sadad/bills/{bill.number}/?key={key}").status_code == 404
    assert client.post(pay_url(bill, key=key)).status_code == 404
    assert_unchanged(bill, recorder)


def test_the_pay_form_needs_its_csrf_token(bill, recorder):
    client = Client(enforce_csrf_checks=True)
    assert client.post(pay_url(bill)).status_code == 403
    assert_unchanged(bill, recorder)


def test_paying_on_the_simulator_delivers_a_real_signed_callback(live_server, settings, bill):
    settings.PAYMENT_CALLBACK_URL = live_server.url + CALLBACK_URL
    recorder_paid = []
    from musaned.payments import handlers

    handler = handlers.handler_for("accounts.user")
    handlers.register(
        "accounts.user",
        on_paid=lambda b: recorder_paid.append(b.pk),
        return_url=handler.return_url,
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get(page_url(bill))
    response = client.post(pay_url(bill), {"csrfmiddlewaretoken": csrf_token(page)})
    assert response.status_code == 302
    assert response["Location"] == f"/done/{bill.number}/"
    bill.refresh_from_db()
    assert bill.state == BillState.PAID
    assert recorder_paid == [bill.pk]
    event = PaymentEvent.objects.get()
    assert event.provider_event_id == f"SIM-{bill.number}-PAY"
    # It came in over HTTP, from the simulator, through the live server.
    assert AuditEvent.objects.get(action="bill.paid").ip_address == "127.0.0.1"

    # Paying again shows "already paid" and the way back; nothing is paid twice.
    again = client.post(pay_url(bill), {"csrfmiddlewaretoken": csrf_token(page)})
    assert again.status_code == 200
    assert "This bill is already paid." in again.content.decode()
    assert f'href="/done/{bill.number}/"' in again.content.decode()
    assert PaymentEvent.objects.count() == 1


def _delivered_to(settings, bill, **host) -> list[str]:
    """Press Pay with ``deliver`` replaced; the URLs the simulator tried to POST to."""
    urls = []

    def deliver(url, raw_body, headers):
        urls.append(url)
        raise simulator.DeliveryFailed("not delivered in this test")

    with mock.patch.object(simulator, "deliver", side_effect=deliver):
        response = Client().post(pay_url(bill), **host)
    assert response.status_code == 502
    return urls


def test_the_callback_goes_to_the_site_url_never_to_the_requests_host(settings, bill, recorder):
    settings.PAYMENT_CALLBACK_URL = ""
    settings.MUSANED_SITE_URL = "https://musaned.example"
    urls = _delivered_to(settings, bill, HTTP_HOST="evil.example")
    assert urls == ["https://musaned.example/payments/callback/"]
    urls = _delivered_to(
        settings, bill, HTTP_HOST="evil.example:8443", HTTP_X_FORWARDED_HOST="evil.example"
    )
    assert urls == ["https://musaned.example/payments/callback/"]
    assert_unchanged(bill, recorder)


def test_the_callback_goes_to_payment_callback_url_when_it_is_set(settings, bill, recorder):
    settings.PAYMENT_CALLBACK_URL = "https://payments.internal/payments/callback/"
    settings.MUSANED_SITE_URL = "https://musaned.example"
    urls = _delivered_to(settings, bill, HTTP_HOST="evil.example")
    assert urls == ["https://payments.internal/payments/callback/"]


def test_with_no_site_url_the_simulator_pays_nothing_and_says_why_in_the_log(
    settings, bill, recorder, caplog
):
    settings.PAYMENT_CALLBACK_URL = ""
    settings.MUSANED_SITE_URL = ""
    assert _delivered_to(settings, bill, HTTP_HOST="evil.example") == []
    assert "PAYMENT_CALLBACK_URL" in caplog.text and "MUSANED_SITE_URL" in caplog.text
    assert_unchanged(bill, recorder)


def test_a_failed_delivery_keeps_the_bill_unpaid(settings, bill, recorder):
    settings.PAYMENT_CALLBACK_URL = "http://127.0.0.1:9/payments/callback/"
    client = Client()
    response = client.post(pay_url(bill))
    assert response.status_code == 502
    assert "the bill is still unpaid" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert_unchanged(bill, recorder)


def test_a_callback_the_platform_refuses_keeps_the_bill_unpaid(
    live_server, settings, bill, recorder
):
    settings.PAYMENT_CALLBACK_URL = live_server.url + CALLBACK_URL
    recorder.fail_on_paid = RuntimeError("the visa could not be updated")  # callback answers 500
    response = Client().post(pay_url(bill))
    assert response.status_code == 502
    assert "the bill is still unpaid" in response.content.decode()
    assert f'action="{pay_url(bill)}"' in response.content.decode()
    assert_unchanged(bill, recorder)


def test_an_expired_bill_cannot_be_paid_on_the_simulator(bill, recorder):
    services.bills_expire(now=bill.due_at + timedelta(seconds=1))
    client = Client()
    page = client.get(page_url(bill))
    assert "can no longer be paid" in page.content.decode()
    assert "/pay/" not in page.content.decode()
    response = client.post(pay_url(bill))
    assert response.status_code == 409
    bill.refresh_from_db()
    assert bill.state == BillState.EXPIRED
