import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import translation

from musaned.accounts.tests.conftest import CAPTCHA, MOHAMMED

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
