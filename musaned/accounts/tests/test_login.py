import datetime as dt
import re
import time

import pytest
import time_machine
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from musaned.accounts.errors import MESSAGES, AccountError, AccountErrorCode
from musaned.accounts.models import CodePurpose
from musaned.accounts.services import code_send, code_verify, new_attempt
from musaned.accounts.tests.conftest import shown
from musaned.accounts.tests.factories import CAPTCHA, PASSWORD
from musaned.core.models import AuditEvent
from musaned.notifications import sms

# Real commits: SMS leave only after the transaction commits (transaction.on_commit).
pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "+966500000005"
RESET_CODE_REFUSED = (
    "This code is not right, or it is no longer valid. Check the newest SMS, or ask for a new code."
)
CODE_REUSED = "We did not send another code: the code we sent you last still works. Enter it below."
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def _fail_login(client, identifier="abdullah", times=1, **extra):
    for _ in range(times):
        response = client.post(
            "/login/",
            {"username": identifier, "password": "Not-the-password-1", **CAPTCHA},
            **extra,
        )
    return response


# --- Signing in --------------------------------------------------------------


@pytest.mark.parametrize("identifier", ["abdullah", "ABDULLAH", "1000000040", "١٠٠٠٠٠٠٠٤٠"])
def test_beneficiary_logs_in_with_username_or_id_then_the_sms_code(
    client, abdullah, log_in, identifier
):
    response = log_in(client, identifier)
    assert response["Location"] == "/services/"
    assert client.get("/services/").status_code == 200


def test_session_key_changes_at_login(client, abdullah, log_in):
    client.get("/login/")
    client.post("/login/", {"username": "abdullah", "password": PASSWORD})
    before = client.session.session_key
    client.post("/login/code/", {"code": re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]})
    assert client.session.session_key != before


def test_password_alone_does_not_sign_in(client, abdullah):
    client.post("/login/", {"username": "abdullah", "password": PASSWORD})
    assert client.get("/services/")["Location"].startswith("/login/")


def test_wrong_sms_code_is_refused(client, abdullah, last_sms_code):
    client.post("/login/", {"username": "abdullah", "password": PASSWORD})
    response = client.post("/login/code/", {"code": _wrong(last_sms_code(MOBILE))})
    assert response.status_code == 200
    assert shown(MESSAGES[AccountErrorCode.CODE_INVALID]) in response.text
    assert client.get("/services/").status_code == 302


def test_code_is_refused_after_too_many_wrong_tries_even_when_right(
    client, abdullah, last_sms_code
):
    client.post("/login/", {"username": "abdullah", "password": PASSWORD})
    code = last_sms_code(MOBILE)
    for _ in range(settings.MUSANED_CODE_MAX_ATTEMPTS):
        client.post("/login/code/", {"code": _wrong(code)})
    response = client.post("/login/code/", {"code": code})
    assert shown(MESSAGES[AccountErrorCode.CODE_EXPIRED]) in response.text
    assert client.get("/services/").status_code == 302


def test_code_works_once_only(abdullah):
    attempt = new_attempt()
    code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
    code = re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]
    code_verify(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt, code=code)
    with pytest.raises(AccountError) as caught:
        code_verify(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt, code=code)
    assert caught.value.code == AccountErrorCode.CODE_EXPIRED


def test_code_is_bound_to_the_sign_in_attempt_and_its_purpose(abdullah):
    attempt = new_attempt()
    code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
    code = re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]
    with pytest.raises(AccountError):
        code_verify(user=abdullah, purpose=CodePurpose.LOGIN, attempt=new_attempt(), code=code)
    with pytest.raises(AccountError):
        code_verify(user=abdullah, purpose=CodePurpose.PASSWORD_RESET, attempt=attempt, code=code)


def test_code_has_six_digits_from_the_sms(abdullah):
    code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=new_attempt())
    assert re.search(r"\b[0-9]{6}\b", sms.outbox[-1].body)
    assert sms.outbox[-1].to == MOBILE


def test_code_used_a_second_time_in_the_browser_does_not_sign_in_again(
    client, abdullah, log_in, last_sms_code
):
    log_in(client)
    code = last_sms_code(MOBILE)
    client.post("/logout/")
    response = client.post("/login/code/", {"code": code})
    assert response["Location"] == "/login/"
    assert client.get("/services/").status_code == 302


def test_code_still_works_just_before_10_minutes(client, abdullah, last_sms_code):
    with time_machine.travel(NOW, tick=False) as clock:
        client.post("/login/", {"username": "abdullah", "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=9, seconds=59))
        response = client.post("/login/code/", {"code": last_sms_code(MOBILE)})
    assert response["Location"] == "/services/"


def test_code_expires_after_10_minutes(client, abdullah, last_sms_code):
    with time_machine.travel(NOW, tick=False) as clock:
        client.post("/login/", {"username": "abdullah", "password": PASSWORD})
        clock.shift(dt.timedelta(minutes=10, seconds=1))
        response = client.post("/login/code/", {"code": last_sms_code(MOBILE)})
        assert response["Location"] == "/login/"
        assert client.get("/services/").status_code == 302


def test_expired_code_is_refused_by_the_service(abdullah):
    with time_machine.travel(NOW, tick=False) as clock:
        attempt = new_attempt()
        code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
        code = re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]
        clock.shift(dt.timedelta(seconds=settings.MUSANED_CODE_TTL_SECONDS + 1))
        with pytest.raises(AccountError) as caught:
            code_verify(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt, code=code)
    assert caught.value.code == AccountErrorCode.CODE_EXPIRED


def test_new_code_waits_for_the_resend_cooldown(client, abdullah):
    with time_machine.travel(NOW, tick=False) as clock:
        client.post("/login/", {"username": "abdullah", "password": PASSWORD})
        response = client.post("/login/code/resend/", follow=True)
        assert shown(MESSAGES[AccountErrorCode.CODE_TOO_SOON]) in response.text
        assert len(sms.outbox) == 1
        clock.shift(settings.MUSANED_CODE_RESEND_SECONDS + 1)
        client.post("/login/code/resend/")
        assert len(sms.outbox) == 2


@override_settings(MUSANED_CODES_PER_HOUR=3, MUSANED_CODE_RESEND_SECONDS=30)
def test_codes_per_hour_are_limited_and_the_limit_lifts_after_an_hour(abdullah):
    with time_machine.travel(NOW, tick=False) as clock:
        attempt = new_attempt()
        for _ in range(3):
            code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
            clock.shift(31)
        with pytest.raises(AccountError) as caught:
            code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
        assert caught.value.code == AccountErrorCode.CODE_TOO_MANY
        clock.shift(dt.timedelta(hours=1))
        code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
    assert len(sms.outbox) == 4


def test_only_the_newest_code_works(abdullah):
    with time_machine.travel(NOW, tick=False) as clock:
        attempt = new_attempt()
        code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
        first = re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]
        clock.shift(61)
        code_send(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt)
        second = re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]
        if first != second:
            with pytest.raises(AccountError):
                code_verify(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt, code=first)
        code_verify(user=abdullah, purpose=CodePurpose.LOGIN, attempt=attempt, code=second)


# --- Failures, captcha and lockout ----------------------------------------------


def test_wrong_password_gives_one_message_for_any_reason(client, abdullah):
    wrong_password = _fail_login(client, "abdullah")
    unknown = _fail_login(Client(), "nobody-here")
    message = shown("The username, ID number or password is not right.")
    assert message in wrong_password.text
    assert message in unknown.text
    assert not sms.outbox


def test_captcha_appears_after_three_failures(client, abdullah):
    assert 'name="captcha_1"' not in client.get("/login/").text
    _fail_login(client, times=settings.MUSANED_CAPTCHA_AFTER_FAILURES - 1)
    assert 'name="captcha_1"' not in client.get("/login/").text
    _fail_login(client)
    assert 'name="captcha_1"' in client.get("/login/").text

    # Without the captcha, even the right password does not get through.
    response = client.post("/login/", {"username": "abdullah", "password": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].has_error("captcha")
    assert not sms.outbox
    response = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert response["Location"] == "/login/code/"


def test_lockout_after_five_failures_refuses_even_the_right_password(client, abdullah):
    _fail_login(client, times=settings.AXES_FAILURE_LIMIT)
    response = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert response.status_code == 403
    assert not sms.outbox
    assert client.get("/services/").status_code == 302


def test_lockout_looks_the_same_for_an_account_that_does_not_exist(client, abdullah):
    _fail_login(client, times=settings.AXES_FAILURE_LIMIT)
    known = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    other = Client()
    _fail_login(other, "nobody-here", times=settings.AXES_FAILURE_LIMIT)
    unknown = other.post("/login/", {"username": "nobody-here", "password": PASSWORD, **CAPTCHA})

    assert known.status_code == unknown.status_code == 403
    assert known.context["locked"] and unknown.context["locked"]

    def body(response):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)
        text = re.sub(r"/captcha/image/[0-9a-f]+/", "", text)
        text = re.sub(r"/captcha/audio/[0-9a-f]+\.wav", "", text)
        text = re.sub(r'value="[0-9a-f]{40}"', "", text)
        return text.replace("nobody-here", "abdullah")

    assert body(known) == body(unknown)


def test_lockout_counts_the_account_by_id_or_username_alike(client, abdullah):
    _fail_login(client, "abdullah", times=3)
    _fail_login(client, "1000000040", times=2)
    response = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert response.status_code == 403


def test_one_address_cannot_lock_the_account_for_everyone(abdullah, log_in):
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    _fail_login(attacker, times=settings.AXES_FAILURE_LIMIT)
    assert (
        attacker.post(
            "/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA}
        ).status_code
        == 403
    )
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert log_in(owner)["Location"] == "/services/"


def test_lockout_lifts_after_the_cool_off(client, abdullah):
    # The counters expire in the cache itself (Redis keeps its own clock, which
    # frozen time cannot move), so the cool-off is made short and really waited for.
    with override_settings(AXES_COOLOFF_TIME=dt.timedelta(seconds=2)):
        _fail_login(client, times=settings.AXES_FAILURE_LIMIT)
        locked = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
        time.sleep(2.5)
        response = client.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert locked.status_code == 403
    assert response["Location"] == "/login/code/"


# --- Forgotten password, reset and change ---------------------------------------


def _forgot(client, national_id):
    return client.post("/password/forgot/", {"national_id": national_id, **CAPTCHA})


def test_forgotten_password_gives_the_same_answer_for_known_and_unknown_ids(client, abdullah):
    known = _forgot(client, "1000000040")
    other = Client()
    unknown = _forgot(other, "1000000057")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password/reset/"
    known_page, unknown_page = client.get("/password/reset/"), other.get("/password/reset/")
    assert known_page.status_code == unknown_page.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", known_page.text) == strip.sub("", unknown_page.text)
    assert [m.to for m in sms.outbox] == [MOBILE]


def test_unknown_id_can_never_reset_anything(client, abdullah):
    _forgot(client, "1000000057")
    response = client.post(
        "/password/reset/",
        {
            "code": "123456",
            "new_password1": "A-new-passphrase-7",
            "new_password2": "A-new-passphrase-7",
        },
    )
    assert shown(RESET_CODE_REFUSED) in response.text


def test_password_reset_with_the_sms_code_and_the_code_works_once(
    client, abdullah, log_in, last_sms_code
):
    new = "A-new-passphrase-7"
    _forgot(client, "١٠٠٠٠٠٠٠٤٠")
    code = last_sms_code(MOBILE)
    response = client.post(
        "/password/reset/", {"code": code, "new_password1": new, "new_password2": new}
    )
    assert response["Location"] == "/login/"
    abdullah.refresh_from_db()
    assert abdullah.check_password(new)

    # The same code again, after asking for a reset again: refused.
    third = "Yet-another-passphrase-9"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61), tick=False):
        _forgot(client, "1000000040")
        response = client.post(
            "/password/reset/", {"code": code, "new_password1": third, "new_password2": third}
        )
    assert response.status_code == 200
    abdullah.refresh_from_db()
    assert abdullah.check_password(new)
    # The old password no longer works; the new one does.
    assert (
        Client().post("/login/", {"username": "abdullah", "password": PASSWORD}).status_code == 200
    )
    assert log_in(Client(), password=new)["Location"] == "/services/"


def test_password_reset_refuses_a_weak_new_password(client, abdullah, last_sms_code):
    _forgot(client, "1000000040")
    response = client.post(
        "/password/reset/",
        {"code": last_sms_code(MOBILE), "new_password1": "password", "new_password2": "password"},
    )
    assert response.context["form"].has_error("new_password1")
    abdullah.refresh_from_db()
    assert abdullah.check_password(PASSWORD)


def test_password_reset_ends_every_other_session(client, abdullah, last_sms_code):
    other = Client()
    other.force_login(abdullah)
    new = "A-new-passphrase-7"
    _forgot(client, "1000000040")
    client.post(
        "/password/reset/",
        {"code": last_sms_code(MOBILE), "new_password1": new, "new_password2": new},
    )
    assert other.get("/services/").status_code == 302


def test_password_change_ends_other_sessions_and_keeps_this_one(client, abdullah, log_in):
    log_in(client)
    other = Client()
    log_in(other)
    new = "A-new-passphrase-7"

    response = client.post(
        "/profile/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response["Location"] == "/services/"
    assert client.get("/services/").status_code == 200
    assert other.get("/services/")["Location"].startswith("/login/")


def test_password_change_asks_for_the_current_password(client, abdullah, log_in):
    log_in(client)
    new = "A-new-passphrase-7"
    response = client.post(
        "/profile/password/",
        {"old_password": "Not-the-password-1", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    abdullah.refresh_from_db()
    assert abdullah.check_password(PASSWORD)


def test_logout_ends_the_session_on_the_server(client, abdullah, log_in):
    log_in(client)
    key = client.session.session_key
    client.post("/logout/")
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/services/").status_code == 302


def test_idle_session_ends(client, abdullah, log_in):
    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client)
        assert client.get("/services/").status_code == 200
        clock.shift(settings.MUSANED_SESSION_IDLE_SECONDS + 1)
        assert client.get("/services/").status_code == 302


def test_activity_keeps_the_session_but_is_written_at_most_once_a_minute(client, abdullah, log_in):
    from django.contrib.sessions.models import Session

    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client)
        client.get("/services/")
        key = client.session.session_key
        saved = Session.objects.get(session_key=key).expire_date
        clock.shift(30)
        client.get("/services/")
        assert Session.objects.get(session_key=key).expire_date == saved  # not written
        # Active every 20 minutes for an hour: never idle for the 30-minute limit.
        for _ in range(3):
            clock.shift(20 * 60)
            assert client.get("/services/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_signing_in_returns_to_the_page_that_asked_for_it(client, abdullah, last_sms_code):
    client.post("/login/?next=/profile/", {"username": "abdullah", "password": PASSWORD})
    response = client.post("/login/code/", {"code": last_sms_code("+966500000005")})
    assert response["Location"] == "/profile/"


@pytest.mark.django_db(transaction=True)
def test_signing_in_never_leaves_the_site(client, abdullah, last_sms_code):
    client.post(
        "/login/?next=https://evil.example/", {"username": "abdullah", "password": PASSWORD}
    )
    response = client.post("/login/code/", {"code": last_sms_code("+966500000005")})
    assert response["Location"] == "/services/"


def test_an_account_without_a_mobile_cannot_skip_the_second_factor(client, abdullah):
    abdullah.mobile = ""
    abdullah.save()
    response = client.post("/login/", {"username": "abdullah", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "login" not in client.session


# --- Signing in a second time within a minute (issue 10) ------------------------------


def _password(client, password=PASSWORD, **extra):
    return client.post(
        "/login/", {"username": "abdullah", "password": password, **CAPTCHA}, follow=True, **extra
    )


def test_signing_in_again_within_a_minute_takes_the_code_already_sent(
    client, abdullah, last_sms_code
):
    """Back after the password, and the password again: no second SMS, the page says the
    code already sent works, and it does."""
    with time_machine.travel(NOW, tick=False) as clock:
        _password(client)
        code = last_sms_code(MOBILE)
        clock.shift(20)
        again = _password(client)
        assert again.redirect_chain[-1][0] == "/login/code/"
        assert shown(CODE_REUSED) in again.text
        assert shown(MESSAGES[AccountErrorCode.CODE_TOO_SOON]) not in again.text
        assert len(sms.outbox) == 1
        response = client.post("/login/code/", {"code": code})
    assert response["Location"] == "/services/"


def test_a_second_browser_within_a_minute_signs_in_with_the_code_already_sent(
    abdullah, last_sms_code
):
    first, second = Client(), Client()
    with time_machine.travel(NOW, tick=False) as clock:
        _password(first)
        code = last_sms_code(MOBILE)
        clock.shift(30)
        shown_page = _password(second)
        assert shown(CODE_REUSED) in shown_page.text
        assert len(sms.outbox) == 1
        assert second.post("/login/code/", {"code": code})["Location"] == "/services/"
        # The code went with the newest sign-in; the first browser cannot use it as well.
        refused = first.post("/login/code/", {"code": code})
        assert refused.status_code == 200
        assert first.get("/services/").status_code == 302
    assert AuditEvent.objects.filter(action="code.rebound").count() == 1


def test_signing_in_again_right_after_signing_out_sends_a_new_code(
    client, abdullah, log_in, last_sms_code
):
    with time_machine.travel(NOW, tick=False) as clock:
        log_in(client)
        client.post("/logout/")
        clock.shift(10)
        _password(client)
        assert len(sms.outbox) == 2  # the first code was used: the next one is not held back
        assert client.post("/login/code/", {"code": last_sms_code(MOBILE)})["Location"] == (
            "/services/"
        )


def test_a_code_killed_by_wrong_tries_is_not_handed_to_a_new_sign_in(
    client, abdullah, last_sms_code
):
    with time_machine.travel(NOW, tick=False) as clock:
        _password(client)
        code = last_sms_code(MOBILE)
        for _ in range(settings.MUSANED_CODE_MAX_ATTEMPTS):
            client.post("/login/code/", {"code": _wrong(code)})
        clock.shift(10)
        again = _password(client)
        assert shown(MESSAGES[AccountErrorCode.CODE_TOO_SOON]) in again.text
        assert client.post("/login/code/", {"code": code}).status_code == 200
        assert len(sms.outbox) == 1


# --- Password spraying: one client, many accounts ---------------------------------------


@pytest.fixture
def many_accounts(db):
    from musaned.accounts.models import User

    people = []
    for n in range(25):
        person = User(username=f"person{n:02d}", email=f"person{n}@example.com")
        person.set_password(PASSWORD)
        person.save()
        people.append(person.username)
    return people


def test_one_client_failing_on_many_accounts_gets_a_translated_429_whatever_the_account(
    abdullah, many_accounts, log_in
):
    limit = int(settings.MUSANED_LOGIN_FAILURES_PER_CLIENT.split("/")[0])
    assert settings.MUSANED_LOGIN_FAILURES_PER_CLIENT == "20/h"  # the documented default
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    with time_machine.travel(NOW, tick=False):
        for username in many_accounts[:limit]:
            answer = _fail_login(sprayer, username)
            assert answer.status_code == 200  # each account failed only once: no lockout
        blocked = _fail_login(sprayer, many_accounts[limit])
        assert blocked.status_code == 429
        assert 'lang="ar" dir="rtl"' in blocked.text
        assert shown("Too many requests") in blocked.text
        # Whatever the account, even with its right password.
        right = sprayer.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
        assert right.status_code == 429
        assert not sms.outbox
        # Another client signs in as usual.
        assert log_in(Client(REMOTE_ADDR="198.51.100.7"))["Location"] == "/services/"
    assert (
        AuditEvent.objects.filter(action="login.client_paused", ip_address="203.0.113.9").count()
        == 1
    )


def test_the_pause_for_a_spraying_client_ends_with_its_window(abdullah, many_accounts):
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    with (
        override_settings(MUSANED_LOGIN_FAILURES_PER_CLIENT="3/h"),
        time_machine.travel(NOW, tick=False) as clock,
    ):
        for username in many_accounts[:3]:
            _fail_login(sprayer, username)
        assert _fail_login(sprayer, many_accounts[3]).status_code == 429
        clock.shift(dt.timedelta(hours=1, minutes=1))
        response = sprayer.post(
            "/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA}
        )
        assert response["Location"] == "/login/code/"


# --- The client address behind a trusted proxy ----------------------------------------------


@override_settings(MUSANED_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_owner_is_not_locked_out_by_an_attacker(abdullah, log_in):
    """Every request comes from the proxy's address; the client is what it forwarded."""
    proxy = {"REMOTE_ADDR": "10.0.0.10"}
    attacker = Client(HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    _fail_login(attacker, times=settings.AXES_FAILURE_LIMIT)
    locked = attacker.post("/login/", {"username": "abdullah", "password": PASSWORD, **CAPTCHA})
    assert locked.status_code == 403
    owner = Client(HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert log_in(owner)["Location"] == "/services/"
    # The audit trail names the clients, never the proxy.
    assert AuditEvent.objects.filter(action="login.failed", ip_address="203.0.113.9").exists()
    assert AuditEvent.objects.filter(action="login.succeeded", ip_address="198.51.100.7").exists()
    assert not AuditEvent.objects.filter(ip_address="10.0.0.10").exists()


# --- Forgotten password: the same answer on every try ---------------------------------------


def _reset_page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def test_password_reset_answers_alike_for_known_and_unknown_ids_on_every_try(client, abdullah):
    known, unknown = client, Client()
    _forgot(known, "1000000040")
    _forgot(unknown, "1000000057")
    code = re.search(r"[0-9]{6}", sms.outbox[-1].body)[0]
    new = "A-new-passphrase-7"
    for attempt in range(1, settings.MUSANED_CODE_MAX_ATTEMPTS + 3):
        body = {"code": _wrong(code), "new_password1": new, "new_password2": new}
        answers = [known.post("/password/reset/", body), unknown.post("/password/reset/", body)]
        assert _reset_page(answers[0]) == _reset_page(answers[1]), f"try {attempt}"
        expected = (
            RESET_CODE_REFUSED
            if attempt <= settings.MUSANED_CODE_MAX_ATTEMPTS
            else MESSAGES[AccountErrorCode.CODE_EXPIRED]
        )
        assert shown(expected) in answers[0].text, f"try {attempt}"
    abdullah.refresh_from_db()
    assert abdullah.check_password(PASSWORD)


def test_password_reset_answers_alike_when_another_request_replaced_the_code(abdullah):
    known, unknown = Client(), Client()
    with time_machine.travel(NOW, tick=False) as clock:
        _forgot(known, "1000000040")
        _forgot(unknown, "1000000057")
        clock.shift(61)
        _forgot(Client(), "1000000040")  # someone else: the first code stops working
        new = "A-new-passphrase-7"
        body = {"code": "123456", "new_password1": new, "new_password2": new}
        assert _reset_page(known.post("/password/reset/", body)) == _reset_page(
            unknown.post("/password/reset/", body)
        )


def test_the_new_password_is_checked_against_the_account_only_once_the_code_is_right(
    client, abdullah, last_sms_code
):
    """A password like the account's username would be refused for a real account and not
    for an unknown ID: that answer waits for the right code."""
    known, unknown = client, Client()
    _forgot(known, "1000000040")
    _forgot(unknown, "1000000057")
    code = last_sms_code(MOBILE)
    like_the_username = "abdullah12345"
    body = {"new_password1": like_the_username, "new_password2": like_the_username}
    answers = [
        known.post("/password/reset/", {**body, "code": _wrong(code)}),
        unknown.post("/password/reset/", {**body, "code": _wrong(code)}),
    ]
    assert _reset_page(answers[0]) == _reset_page(answers[1])
    assert not answers[0].context["form"].has_error("new_password1")

    # With the right code the owner is told, and the code still works for a better one.
    told = known.post("/password/reset/", {**body, "code": code})
    assert told.context["form"].has_error("new_password1", code="password_too_similar")
    new = "A-new-passphrase-7"
    done = known.post(
        "/password/reset/", {"code": code, "new_password1": new, "new_password2": new}
    )
    assert done["Location"] == "/login/"
    abdullah.refresh_from_db()
    assert abdullah.check_password(new)


def test_asking_again_for_a_reset_code_within_a_minute_keeps_the_code_already_sent(
    client, abdullah, last_sms_code
):
    with time_machine.travel(NOW, tick=False) as clock:
        _forgot(client, "1000000040")
        code = last_sms_code(MOBILE)
        clock.shift(15)
        _forgot(client, "1000000040")  # Back, and the form again
        assert len(sms.outbox) == 1
        new = "A-new-passphrase-7"
        response = client.post(
            "/password/reset/", {"code": code, "new_password1": new, "new_password2": new}
        )
    assert response["Location"] == "/login/"


def test_a_new_password_of_only_spaces_is_refused(client, abdullah, last_sms_code):
    _forgot(client, "1000000040")
    spaces = " " * 16
    response = client.post(
        "/password/reset/",
        {"code": last_sms_code(MOBILE), "new_password1": spaces, "new_password2": spaces},
    )
    assert shown("Your password cannot be only spaces.") in response.text
    abdullah.refresh_from_db()
    assert abdullah.check_password(PASSWORD)
