import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from musaned.accounts.models import User
from musaned.accounts.services import MESSAGES, AccountErrorCode
from musaned.accounts.tests.conftest import AHMED, CAPTCHA, MOHAMMED, NOURA, PASSWORD, shown
from musaned.core.models import AuditEvent

# Real commits: SMS leave only after the transaction commits (transaction.on_commit).
pytestmark = pytest.mark.django_db(transaction=True)


def test_citizen_registers_through_five_steps_and_activates_with_the_sms_code(
    client, register, log_in
):
    register(client, NOURA, username="noura", email="Noura@Example.com")

    user = User.objects.get(username="noura")
    assert user.national_id == "1000000016"
    assert user.id_type == "citizen"
    assert user.birth_date == dt.date(1980, 7, 13)  # 1 Ramadan 1400
    assert user.mobile == "+966500000002"
    assert user.email == "noura@example.com"
    assert user.is_activated
    assert user.check_password(PASSWORD)
    assert log_in(client, "noura", mobile="+966500000002")["Location"] == "/services/"


def test_resident_enters_gregorian_birth_date_and_registers(client, register):
    register(client, AHMED, username="ahmed", email="ahmed@example.com")
    user = User.objects.get(username="ahmed")
    assert (user.id_type, user.birth_date) == ("resident", dt.date(1988, 3, 14))


def test_account_cannot_be_used_before_activation(client, register, last_sms_code):
    register(client, NOURA, activate=False)
    assert not User.objects.get(username="noura").is_activated
    # Logging in sends the person back to activation rather than into the services.
    other = Client()
    response = other.post("/login/", {"username": "noura", "password": PASSWORD})
    assert response["Location"] == "/register/activate/"


def test_id_typed_in_arabic_indic_digits_is_stored_in_ascii(client, register):
    register(client, {**MOHAMMED, "national_id": "١٠٠٠٠٠٠٠٠٨"}, username="mohammed")
    assert User.objects.get(username="mohammed").national_id == "1000000008"


@pytest.mark.parametrize("typed", ["1000000008", "١٠٠٠٠٠٠٠٠٨"])
def test_second_registration_with_the_same_id_is_refused_with_login_and_recovery_links(
    client, register, typed
):
    register(client, {**MOHAMMED, "national_id": "١٠٠٠٠٠٠٠٠٨"}, username="mohammed")

    response = Client().post("/register/identity/", {**MOHAMMED, "national_id": typed})

    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.ALREADY_REGISTERED]) in response.text
    assert 'href="/login/"' in response.text
    assert 'href="/password/forgot/"' in response.text
    assert User.objects.filter(national_id="1000000008").count() == 1


@pytest.mark.parametrize(
    "wrong",
    [
        {"first_name": "Khalid"},
        {"family_name": "Alharbi"},
        {"birth_date_hijri_day": "16"},
        {"national_id": "1000000057"},  # a valid number the registry does not know
    ],
)
def test_registry_mismatch_gives_one_message_that_does_not_say_which_part(client, registry, wrong):
    response = client.post("/register/identity/", {**MOHAMMED, **wrong})

    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.REGISTRY_MISMATCH]) in response.text
    assert 'aria-invalid="true"' not in response.text  # no field is singled out
    event = AuditEvent.objects.get(action="registration.registry_mismatch")
    assert event.data["national_id"].startswith("1*******")


def test_registry_mismatch_is_audited_with_the_part_that_differed(client, registry):
    client.post("/register/identity/", {**MOHAMMED, "first_name": "Khalid"})
    event = AuditEvent.objects.get(action="registration.registry_mismatch")
    assert event.data == {"national_id": "1*******08", "found": True, "mismatched": ["first_name"]}


def test_names_may_be_typed_in_english_or_arabic_with_other_alef_forms(client, registry):
    response = client.post(
        "/register/identity/", {**AHMED, "first_name": "احمد", "family_name": "حسن"}
    )
    assert response["Location"] == "/register/verify/"


@pytest.mark.parametrize(
    ("id_type", "national_id"), [("resident", "1000000008"), ("citizen", "2000000006")]
)
def test_id_type_must_match_the_first_digit(client, registry, id_type, national_id):
    data = {**MOHAMMED, **AHMED, "id_type": id_type, "national_id": national_id}
    response = client.post("/register/identity/", data)
    assert response.status_code == 200
    assert response.context["form"].has_error("national_id")


def test_citizen_must_give_the_hijri_birth_date(client, registry):
    data = {k: v for k, v in MOHAMMED.items() if not k.startswith("birth_date")}
    response = client.post("/register/identity/", data)
    assert response.context["form"].has_error("birth_date_hijri")


def test_impossible_hijri_date_is_a_form_error_and_the_rest_stays_filled(client, registry):
    data = {
        **MOHAMMED,
        "birth_date_hijri_day": "30",
        "birth_date_hijri_month": "1",
        "birth_date_hijri_year": "1446",
    }
    response = client.post("/register/identity/", data)
    assert response.status_code == 200
    assert response.context["form"].has_error("birth_date_hijri", code="day")
    assert 'value="Alotaibi"' in response.text
    assert 'value="1000000008"' in response.text


def test_steps_cannot_be_skipped(client, registry):
    assert client.get("/register/review/")["Location"] == "/register/identity/"
    client.post("/register/identity/", MOHAMMED)
    assert client.get("/register/contact/")["Location"] == "/register/verify/"


def test_wrong_captcha_keeps_the_person_on_the_verification_step(client, registry):
    client.post("/register/identity/", MOHAMMED)
    response = client.post("/register/verify/", {"captcha_0": "nope", "captcha_1": "12345"})
    assert response.status_code == 200
    assert response.context["form"].has_error("captcha")


def test_mobile_not_registered_to_the_id_is_refused(client, registry):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    client.post(
        "/register/account/", {"username": "mohammed", "password1": PASSWORD, "password2": PASSWORD}
    )
    response = client.post("/register/contact/", {"email": "m@example.com", "mobile": "0512345678"})
    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.MOBILE_MISMATCH]) in response.text
    assert 'value="m@example.com"' in response.text


def test_taken_username_and_email_are_refused_whatever_their_case(client, registry, active_user):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    response = client.post(
        "/register/account/", {"username": "Abdullah", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.context["form"].has_error("username", code="taken")
    client.post(
        "/register/account/", {"username": "mohammed", "password1": PASSWORD, "password2": PASSWORD}
    )
    response = client.post(
        "/register/contact/", {"email": "ABDULLAH@example.com", "mobile": "0500000001"}
    )
    assert response.context["form"].has_error("email", code="taken")


def test_weak_password_or_one_containing_the_id_is_refused(client, registry):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    for weak in ("password123", "x1000000008y-long-enough"):
        response = client.post(
            "/register/account/", {"username": "mohammed", "password1": weak, "password2": weak}
        )
        assert response.context["form"].has_error("password1")


def test_a_long_passphrase_is_accepted(client, registry):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    passphrase = "correct horse battery staple " * 4  # 116 characters
    response = client.post(
        "/register/account/",
        {"username": "mohammed", "password1": passphrase, "password2": passphrase},
    )
    assert response["Location"] == "/register/contact/"


def test_going_back_shows_everything_as_it_was_typed(client, registry):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    client.post(
        "/register/account/", {"username": "mohammed", "password1": PASSWORD, "password2": PASSWORD}
    )
    client.post("/register/contact/", {"email": "m@example.com", "mobile": "+966500000001"})

    identity = client.get("/register/identity/").text
    for value in ("1000000008", "Mohammed", "Alotaibi", "15", "1405"):
        assert f'value="{value}"' in identity
    assert 'value="7" selected' in identity
    account = client.get("/register/account/").text
    assert 'value="mohammed"' in account
    assert PASSWORD not in account
    contact = client.get("/register/contact/").text
    assert 'value="m@example.com"' in contact
    assert 'value="0500000001"' in contact

    # The password already chosen is kept when both boxes are left empty.
    response = client.post("/register/account/", {"username": "mohammed2"})
    assert response["Location"] == "/register/contact/"
    client.post("/register/review/", {"consent": "on"})
    user = User.objects.get(national_id="1000000008")
    assert user.username == "mohammed2"
    assert user.check_password(PASSWORD)


def test_registration_records_consent_to_the_privacy_notice_version_and_time(client, registry):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    client.post(
        "/register/account/", {"username": "mohammed", "password1": PASSWORD, "password2": PASSWORD}
    )
    client.post("/register/contact/", {"email": "m@example.com", "mobile": "0500000001"})

    response = client.post("/register/review/", {})
    assert response.context["form"].has_error("consent")
    assert not User.objects.exists()

    moment = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        client.post("/register/review/", {"consent": "on"})
    user = User.objects.get()
    assert user.privacy_notice_version == settings.MUSANED_PRIVACY_NOTICE_VERSION
    assert user.privacy_consent_at == moment
    event = AuditEvent.objects.get(action="account.registered")
    assert event.data["privacy_notice_version"] == settings.MUSANED_PRIVACY_NOTICE_VERSION


def test_id_registered_in_another_tab_meanwhile_is_refused_at_the_end(client, registry, register):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    client.post(
        "/register/account/", {"username": "mohammed", "password1": PASSWORD, "password2": PASSWORD}
    )
    client.post("/register/contact/", {"email": "m@example.com", "mobile": "0500000001"})
    register(Client(), MOHAMMED, username="other", email="other@example.com")

    response = client.post("/register/review/", {"consent": "on"})

    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.ALREADY_REGISTERED]) in response.text
    assert User.objects.filter(national_id="1000000008").count() == 1


def test_wrong_activation_code_does_not_activate(client, register, last_sms_code):
    register(client, NOURA, activate=False)
    code = last_sms_code("+966500000002")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post("/register/activate/", {"code": wrong})
    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.CODE_INVALID]) in response.text
    assert not User.objects.get(username="noura").is_activated


def test_activation_code_resend_waits_for_the_cooldown(client, register, last_sms_code):
    from musaned.notifications import sms

    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        register(client, NOURA, activate=False)
        response = client.post("/register/activate/resend/", follow=True)
        assert shown(MESSAGES[AccountErrorCode.CODE_TOO_SOON]) in response.text
        assert len(sms.outbox) == 1
        clock.shift(settings.MUSANED_CODE_RESEND_SECONDS + 1)
        client.post("/register/activate/resend/")
        assert len(sms.outbox) == 2
        code = last_sms_code("+966500000002")
        assert client.post("/register/activate/", {"code": code})["Location"] == "/login/"
