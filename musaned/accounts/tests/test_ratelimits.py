import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import translation

from musaned.accounts.tests.conftest import shown
from musaned.accounts.tests.factories import CAPTCHA, MOHAMMED, PASSWORD

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 9, 0, 30, tzinfo=dt.UTC)


def _too_many_requests(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Too many requests")


@override_settings(MUSANED_RATE_REGISTRATION="3/m")
def test_registration_identity_step_is_rate_limited_with_a_translated_429_and_the_window_resets(
    client, registry
):
    data = {**MOHAMMED, "first_name": "Khalid"}
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(3):
            assert client.post("/register/identity/", data).status_code == 200
        blocked = client.post("/register/identity/", data)
        assert blocked.status_code == 429
        assert 'lang="ar" dir="rtl"' in blocked.text
        assert _too_many_requests("ar") in blocked.text
        english = client.post("/en/register/identity/", data)
        assert english.status_code == 429
        assert 'lang="en"' in english.text
        assert "Too many requests" in english.text
        # Reading the page is not limited.
        assert client.get("/register/identity/").status_code == 200

        clock.shift(dt.timedelta(minutes=2))
        assert client.post("/register/identity/", MOHAMMED).status_code == 302


@override_settings(MUSANED_RATE_PASSWORD_RESET="2/m")
def test_password_forgot_is_rate_limited_and_the_window_resets(client, registry):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(2):
            response = client.post("/password/forgot/", {"national_id": "1000000057", **CAPTCHA})
            assert response.status_code == 302
        assert (
            client.post("/password/forgot/", {"national_id": "1000000057", **CAPTCHA}).status_code
            == 429
        )
        clock.shift(dt.timedelta(minutes=2))
        assert (
            client.post("/password/forgot/", {"national_id": "1000000057", **CAPTCHA}).status_code
            == 302
        )


@override_settings(MUSANED_RATE_CODE_SEND="2/m", MUSANED_CODE_RESEND_SECONDS=0)
def test_code_resend_is_rate_limited_per_address(client, registry):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(2):
            assert client.post("/login/code/resend/").status_code == 302
        assert client.post("/login/code/resend/").status_code == 429
        clock.shift(dt.timedelta(minutes=2))
        assert client.post("/login/code/resend/").status_code == 302


@override_settings(MUSANED_RATE_REGISTRATION="3/h")
def test_forms_sent_back_for_typing_mistakes_do_not_count_against_the_registration_limit(
    client, registry
):
    """A family on one mobile network is not locked out by its own typing mistakes: only
    the registry checks count."""
    with time_machine.travel(NOW, tick=False):
        for _ in range(10):
            mistyped = client.post("/register/identity/", {**MOHAMMED, "national_id": "12"})
            assert mistyped.status_code == 200
            assert client.post("/register/identity/", {}).status_code == 200
        for _ in range(2):
            mismatch = client.post("/register/identity/", {**MOHAMMED, "first_name": "Khalid"})
            assert mismatch.status_code == 200
        assert client.post("/register/identity/", MOHAMMED).status_code == 302
        # The limit still holds for registry checks.
        assert client.post("/register/identity/", MOHAMMED).status_code == 429


def _to_account_step(client):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)


@override_settings(MUSANED_RATE_TAKEN_ANSWERS="2/h")
def test_taken_username_and_email_answers_are_counted_and_limited_per_client(
    client, registry, abdullah
):
    with time_machine.travel(NOW, tick=False) as clock:
        _to_account_step(client)
        taken = {"username": "abdullah", "password1": PASSWORD, "password2": PASSWORD}
        free = {"username": "mohammed", "password1": PASSWORD, "password2": PASSWORD}
        answer = client.post("/register/account/", taken)
        assert answer.context["form"].has_error("username", "taken")
        client.post("/register/account/", free)
        answer = client.post(
            "/register/contact/", {"email": "abdullah@example.com", "mobile": "0500000001"}
        )
        assert answer.context["form"].has_error("email", "taken")

        # The third "taken" answer within the hour is the translated 429 instead.
        blocked = client.post("/register/account/", taken)
        assert blocked.status_code == 429
        assert _too_many_requests("ar") in blocked.text
        assert shown("This username is taken. Choose another one.") not in blocked.text
        # A free username is still accepted, and another client is not held back.
        assert client.post("/register/account/", free)["Location"] == "/register/contact/"
        other = Client(REMOTE_ADDR="198.51.100.7")
        _to_account_step(other)
        assert other.post("/register/account/", taken).status_code == 200

        clock.shift(dt.timedelta(hours=2))
        assert client.post("/register/account/", taken).status_code == 200
