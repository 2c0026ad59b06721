"""Fixtures for the accounts tests: a way through the registration wizard and an active account."""

import pytest
from django.utils import translation
from django.utils.html import escape

from musaned.accounts.tests.factories import PASSWORD, BeneficiaryFactory

CAPTCHA = {"captcha_0": "any-key", "captcha_1": "PASSED"}

# The demo people (musaned/identity/demo.py) as a person would type them.
NOURA = {
    "id_type": "citizen",
    "national_id": "1000000016",
    "first_name": "نورة",
    "family_name": "الشهري",
    "birth_date_hijri_day": "1",
    "birth_date_hijri_month": "9",
    "birth_date_hijri_year": "1400",
}
MOHAMMED = {
    "id_type": "citizen",
    "national_id": "1000000008",
    "first_name": "Mohammed",
    "family_name": "Alotaibi",
    "birth_date_hijri_day": "15",
    "birth_date_hijri_month": "7",
    "birth_date_hijri_year": "1405",
}
AHMED = {
    "id_type": "resident",
    "national_id": "2000000006",
    "first_name": "Ahmed",
    "family_name": "Hassan",
    "birth_date_gregorian_day": "14",
    "birth_date_gregorian_month": "3",
    "birth_date_gregorian_year": "1988",
}
MOBILES = {"1000000016": "0500000002", "1000000008": "0500000001", "2000000006": "0500000006"}


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
def active_user(db):
    """Abdullah, whose account is open and activated (as seed_demo makes it)."""
    return BeneficiaryFactory()


@pytest.fixture
def log_in(last_sms_code):
    """Password, then the SMS code; returns the response to the code."""

    def do(client, identifier="abdullah", password=PASSWORD, mobile="+966500000005"):
        response = client.post("/login/", {"username": identifier, "password": password, **CAPTCHA})
        assert response.status_code == 302, response.content.decode()[:3000]
        assert response["Location"] == "/login/code/"
        return client.post("/login/code/", {"code": last_sms_code(mobile)})

    return do
