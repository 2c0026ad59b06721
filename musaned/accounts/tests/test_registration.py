import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation

from musaned.accounts.errors import MESSAGES, AccountErrorCode
from musaned.accounts.models import User
from musaned.accounts.services import ALREADY_REGISTERED_SMS
from musaned.accounts.tests.conftest import shown
from musaned.accounts.tests.factories import (
    AHMED,
    CAPTCHA,
    MOBILES,
    MOHAMMED,
    NOURA,
    PASSWORD,
)
from musaned.core.models import AuditEvent
from musaned.notifications import sms

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


def test_no_account_exists_until_the_activation_code_comes_back(client, register, last_sms_code):
    register(client, NOURA, activate=False)
    assert not User.objects.filter(national_id="1000000016").exists()
    # Nothing to sign in to yet, and the username is not held by anyone.
    other = Client()
    response = other.post("/login/", {"username": "noura", "password": PASSWORD})
    assert shown("The username, ID number or password is not right.") in response.text
    assert other.post("/register/identity/", NOURA)["Location"] == "/register/verify/"

    response = client.post("/register/activate/", {"code": last_sms_code("+966500000002")})
    assert response["Location"] == "/login/"
    assert User.objects.get(username="noura").is_activated


def test_id_typed_in_arabic_indic_digits_is_stored_in_ascii(client, register):
    register(client, {**MOHAMMED, "national_id": "١٠٠٠٠٠٠٠٠٨"}, username="mohammed")
    assert User.objects.get(username="mohammed").national_id == "1000000008"


def _walk(client, identity, *, username, email, mobile, code_to_try):
    """The five steps as a person goes through them; every page seen, csrf tokens and
    what differs by design (the username and email typed) taken out."""
    pages = [
        client.get("/register/identity/"),
        client.post("/register/identity/", identity),
        client.get("/register/verify/"),
        client.post("/register/verify/", CAPTCHA),
        client.post(
            "/register/account/",
            {"username": username, "password1": PASSWORD, "password2": PASSWORD},
        ),
        client.post("/register/contact/", {"email": email, "mobile": mobile}),
        client.get("/register/review/"),
        client.post("/register/review/", {"consent": "on"}),
        client.get("/register/activate/"),
        client.post("/register/activate/", {"code": code_to_try()}),
    ]

    def seen(response):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        text = re.sub(r"/captcha/(image|audio)/[0-9a-f]+(/|\.wav)", "", text)
        text = re.sub(r'value="[0-9a-f]{40}"', "", text)
        text = text.replace(username, "USERNAME").replace(email, "EMAIL")
        return response.status_code, response.get("Location"), text

    return [seen(page) for page in pages]


@pytest.mark.parametrize("typed", ["1000000008", "١٠٠٠٠٠٠٠٠٨"])
def test_registering_an_id_that_has_an_account_looks_the_same_and_tells_the_owner_by_sms(
    client, registry, last_sms_code, typed
):
    identity = {**MOHAMMED, "national_id": typed}
    # The ID without an account: every page of the walk, up to the code page.
    tried = []

    def wrong_code():
        tried.append(f"{(int(last_sms_code('+966500000001')) + 1) % 1_000_000:06d}")
        return tried[0]

    first = _walk(
        client,
        identity,
        username="mohammed1",
        email="m1@example.com",
        mobile="0500000001",
        code_to_try=wrong_code,
    )
    code = last_sms_code("+966500000001")
    assert client.post("/register/activate/", {"code": code})["Location"] == "/login/"
    owner = User.objects.get(national_id="1000000008")
    sms.outbox.clear()

    # The same ID again, now that it has an account: not one page says so.
    again = _walk(
        Client(),
        identity,
        username="mohammed2",
        email="m2@example.com",
        mobile="0500000001",
        code_to_try=lambda: tried[0],
    )
    assert again == first
    assert shown(MESSAGES[AccountErrorCode.ALREADY_REGISTERED]) not in str(again)
    assert User.objects.filter(national_id="1000000008").count() == 1
    assert not User.objects.filter(username="mohammed2").exists()

    # The owner learns it by SMS at the account's mobile, in the account's language, with
    # the username to log in with; no code is sent to anyone.
    assert [m.to for m in sms.outbox] == [owner.mobile]
    with translation.override(owner.preferred_language):
        assert sms.outbox[0].body == translation.gettext(ALREADY_REGISTERED_SMS) % {
            "username": "mohammed1",
            "phone": settings.MUSANED_SUPPORT_PHONE,
        }
    assert owner.preferred_language == "ar"
    assert "مساند" in sms.outbox[0].body
    assert not re.search(r"\b[0-9]{6}\b", sms.outbox[0].body)
    event = AuditEvent.objects.get(action="registration.existing_account")
    assert event.target_id == str(owner.pk)
    assert event.data == {"national_id": "1*******08"}


def test_codes_after_registering_an_id_that_has_an_account_fail_like_wrong_codes(
    client, register, last_sms_code
):
    """The code page after the review answers a guessed code as for a new registration:
    "not right" five times, then "expired"; "send a new code" the same too."""
    register(Client(), MOHAMMED, username="mohammed", email="m@example.com")
    sms.outbox.clear()
    new_person = Client()
    register(new_person, NOURA, username="noura", email="noura@example.com", activate=False)
    existing = Client()
    register(existing, MOHAMMED, username="other", email="other@example.com", activate=False)

    def answers(browser, code):
        return [
            browser.post("/register/activate/", {"code": code}).context["form"].errors["code"]
            for _ in range(settings.MUSANED_CODE_MAX_ATTEMPTS + 1)
        ]

    wrong = f"{(int(last_sms_code('+966500000002')) + 1) % 1_000_000:06d}"
    assert answers(new_person, wrong) == answers(existing, "123456")
    assert answers(existing, "123456")[-1] == [shown(MESSAGES[AccountErrorCode.CODE_EXPIRED])]

    too_soon = shown(MESSAGES[AccountErrorCode.CODE_TOO_SOON])
    assert too_soon in new_person.post("/register/activate/resend/", follow=True).text
    assert too_soon in existing.post("/register/activate/resend/", follow=True).text
    assert not User.objects.filter(username="other").exists()


def test_an_honest_person_who_forgot_they_registered_logs_in_with_the_sms(client, register, log_in):
    register(Client(), MOHAMMED, username="mohammed", email="m@example.com")
    sms.outbox.clear()
    register(client, MOHAMMED, username="mohammed-again", email="m2@example.com", activate=False)
    # The SMS names the username to log in with; with it (and the password) they sign in.
    assert " mohammed" in sms.outbox[-1].body
    assert log_in(Client(), "mohammed", mobile="+966500000001")["Location"] == "/services/"


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


def test_taken_username_and_email_are_refused_whatever_their_case(client, registry, abdullah):
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


def test_going_back_shows_everything_as_it_was_typed(client, registry, last_sms_code):
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
    client.post("/register/activate/", {"code": last_sms_code("+966500000001")})
    user = User.objects.get(national_id="1000000008")
    assert user.username == "mohammed2"
    assert user.check_password(PASSWORD)


def test_registration_records_consent_to_the_privacy_notice_version_and_time(
    client, registry, last_sms_code
):
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
    with time_machine.travel(moment, tick=False) as clock:
        client.post("/register/review/", {"consent": "on"})
        clock.shift(dt.timedelta(minutes=3))
        client.post("/register/activate/", {"code": last_sms_code("+966500000001")})
    user = User.objects.get()
    assert user.privacy_notice_version == settings.MUSANED_PRIVACY_NOTICE_VERSION
    assert user.privacy_consent_at == moment
    event = AuditEvent.objects.get(action="account.registered")
    assert event.data["privacy_notice_version"] == settings.MUSANED_PRIVACY_NOTICE_VERSION


def _until_review(client, identity=MOHAMMED, username="mohammed", email="m@example.com"):
    client.post("/register/identity/", identity)
    client.post("/register/verify/", CAPTCHA)
    client.post(
        "/register/account/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )
    client.post("/register/contact/", {"email": email, "mobile": MOBILES[identity["national_id"]]})


def test_id_registered_in_another_tab_before_the_review_goes_on_as_a_new_one(
    client, registry, register
):
    _until_review(client)
    register(Client(), MOHAMMED, username="other", email="other@example.com")
    sms.outbox.clear()

    response = client.post("/register/review/", {"consent": "on"})

    assert response["Location"] == "/register/activate/"
    assert User.objects.filter(national_id="1000000008").count() == 1
    assert [m.to for m in sms.outbox] == ["+966500000001"]  # the owner, told


def test_id_registered_in_another_tab_after_the_code_was_sent_is_said_to_the_code_holder(
    client, registry, register, last_sms_code
):
    _until_review(client)
    client.post("/register/review/", {"consent": "on"})
    code = last_sms_code("+966500000001")
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False):
        register(Client(), MOHAMMED, username="other", email="other@example.com")

    response = client.post("/register/activate/", {"code": code}, follow=True)

    # They proved the mobile registered to the ID: they may know it has an account.
    assert shown(MESSAGES[AccountErrorCode.ALREADY_REGISTERED]) in response.text
    assert response.redirect_chain[-1][0] == "/login/"
    assert User.objects.filter(national_id="1000000008").count() == 1


def test_username_taken_meanwhile_sends_the_code_holder_back_to_choose_another(
    client, registry, register, last_sms_code
):
    _until_review(client, username="shared.name")
    client.post("/register/review/", {"consent": "on"})
    code = last_sms_code("+966500000001")
    register(Client(), NOURA, username="shared.name", email="noura@example.com")

    response = client.post("/register/activate/", {"code": code})
    assert response["Location"] == "/register/account/?return=review"
    client.post("/register/account/?return=review", {"username": "mohammed"})
    client.post("/register/review/", {"consent": "on"})
    # The code already received still works (less than a minute: no new one was sent).
    assert client.post("/register/activate/", {"code": code})["Location"] == "/login/"
    assert User.objects.get(national_id="1000000008").username == "mohammed"


def test_confirming_again_within_a_minute_keeps_the_code_already_sent(
    client, registry, last_sms_code
):
    _until_review(client)
    client.post("/register/review/", {"consent": "on"})
    code = last_sms_code("+966500000001")
    # Back to the review page, and confirm again.
    assert client.get("/register/review/").status_code == 200
    response = client.post("/register/review/", {"consent": "on"}, follow=True)
    assert (
        shown(
            "We did not send another code: the code we sent you last still works. Enter it below."
        )
        in response.text
    )
    assert len(sms.outbox) == 1
    assert client.post("/register/activate/", {"code": code})["Location"] == "/login/"


def test_wrong_activation_code_does_not_activate(client, register, last_sms_code):
    register(client, NOURA, activate=False)
    code = last_sms_code("+966500000002")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post("/register/activate/", {"code": wrong})
    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.CODE_INVALID]) in response.text
    assert not User.objects.filter(username="noura").exists()


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


@pytest.mark.parametrize("username", ["admin", "ROOT", "Support", "ad.min", "Musaned", "no-reply"])
def test_reserved_usernames_are_refused_whatever_their_case(client, registry, username):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    response = client.post(
        "/register/account/", {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("username", code="reserved")
    assert shown("This username is reserved for the platform. Choose another one.") in response.text
    assert f'value="{username}"' in response.text


def test_a_password_of_only_spaces_is_refused(client, registry):
    client.post("/register/identity/", MOHAMMED)
    client.post("/register/verify/", CAPTCHA)
    spaces = " " * 12
    response = client.post(
        "/register/account/", {"username": "mohammed", "password1": spaces, "password2": spaces}
    )
    assert response.context["form"].has_error("password1", code="password_only_spaces")
    assert shown("Your password cannot be only spaces.") in response.text


def test_a_taken_username_is_said_only_after_the_captcha(client, registry, abdullah):
    client.post("/register/identity/", MOHAMMED)
    response = client.post(
        "/register/account/", {"username": "abdullah", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response["Location"] == "/register/verify/"
    client.post("/register/verify/", CAPTCHA)
    response = client.post(
        "/register/account/", {"username": "abdullah", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.context["form"].has_error("username", code="taken")


def test_the_reserved_usernames_are_the_documented_ones():
    from pathlib import Path

    from musaned.accounts.usernames import RESERVED_USERNAMES

    doc = (Path(__file__).resolve().parents[3] / "docs" / "configuration.md").read_text()
    row = next(line for line in doc.splitlines() if line.startswith("| usernames |"))
    listed = set(re.findall(r"`([a-z]+)`", row.split("reserved names", 1)[1]))
    assert listed == RESERVED_USERNAMES
