"""Fixtures for the accounts tests: a way through the registration wizard, and signing in
with the password and the SMS code. Abdullah's open account is the root conftest's
``abdullah``; what people type is in ``factories.py``."""

import pytest
from django.utils import translation
from django.utils.html import escape

from musaned.accounts.tests.factories import CAPTCHA, MOBILES, NOURA, PASSWORD


def shown(message) -> str:
    """A message as the default (Arabic) page shows it: translated and HTML-escaped."""
    with translation.override("ar"):
        return escape(translation.gettext(message) if isinstance(message, str) else str(message))


@pytest.fixture
def register(registry, last_sms_code):
    """Walk ``client`` through the five steps and activation. Returns the last response."""

    def walk(
        client,
        identity=NOURA,
        *,
        username="noura",
        email="noura@example.com",
        mobile=None,
        activate=True,
    ):
        national_id = identity["national_id"]
        response = client.post("/register/identity/", identity)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == "/register/verify/"
        response = client.post("/register/verify/", CAPTCHA)
        assert response["Location"] == "/register/account/"
        response = client.post(
            "/register/account/",
            {"username": username, "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response["Location"] == "/register/contact/"
        mobile = mobile or MOBILES.get(national_id[-10:].translate(_ASCII), "")
        response = client.post("/register/contact/", {"email": email, "mobile": mobile})
        assert response["Location"] == "/register/review/"
        response = client.post("/register/review/", {"consent": "on"})
        assert response["Location"] == "/register/activate/"
        if not activate:
            return response
        code = last_sms_code("+966" + mobile[1:])
        response = client.post("/register/activate/", {"code": code})
        assert response["Location"] == "/login/"
        return response

    return walk


_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")


@pytest.fixture
def log_in(last_sms_code):
    """Password, then the SMS code; returns the response to the code."""

    def do(client, identifier="abdullah", password=PASSWORD, mobile="+966500000005"):
        response = client.post("/login/", {"username": identifier, "password": password, **CAPTCHA})
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == "/login/code/"
        return client.post("/login/code/", {"code": last_sms_code(mobile)})

    return do
