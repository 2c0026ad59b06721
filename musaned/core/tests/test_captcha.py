"""The verification code (musaned/core/captcha.py, musaned/core/speech.py): the code
spoken aloud as the image's alternative, and the "new code" / "listen" buttons that
keep everything typed on every form that asks for the code."""

import datetime as dt
import re
import struct
import wave
from io import BytesIO

import pytest
from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.conf import settings
from django.core.checks import Error, Warning
from django.test import Client, override_settings
from django.utils import timezone, translation

from musaned.core import captcha, speech
from musaned.core.models import AuditEvent
from musaned.core.tests.test_production import run_production
from musaned.notifications import sms

pytestmark = pytest.mark.django_db


def new_key(code: str | None = None) -> str:
    key = CaptchaStore.generate_key()
    if code is not None:
        CaptchaStore.objects.filter(hashkey=key).update(challenge=code, response=code)
    return key


def keys_on(html: str) -> list[str]:
    return re.findall(r'name="captcha_0" value="([0-9a-f]{40})"', html)


def sound(response) -> wave.Wave_read:
    return wave.open(BytesIO(response.content))


@pytest.fixture
def no_engine(settings):
    settings.MUSANED_SPEECH_ENGINE = "no-such-speech-engine"
    yield
    speech._resolve.cache_clear()


@pytest.fixture
def real_check(monkeypatch):
    """django-simple-captcha's real comparison (the suite runs in its test mode)."""
    monkeypatch.setattr(captcha_settings, "CAPTCHA_TEST_MODE", False)


# --- The spoken code ------------------------------------------------------------------


def test_the_engine_is_installed_for_the_suite():
    # Like Chromium: a missing engine fails here, it is never skipped (scripts/ensure-espeak).
    assert speech.available(), "espeak-ng is missing: run `bash scripts/ensure-espeak`"


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_live_code_is_spoken_as_a_wav_that_nobody_stores(client, prefix):
    key = new_key("27483")
    response = client.get(f"{prefix}/captcha/audio/{key}.wav")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and response.content[8:12] == b"WAVE"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"] == 'inline; filename="verification-code.wav"'
    audio = sound(response)
    assert (audio.getnchannels(), audio.getsampwidth(), audio.getframerate()) == (1, 2, 22050)
    # Five digits with gaps between them: a few seconds, not a blur of one.
    assert 3.5 < audio.getnframes() / audio.getframerate() < 12
    assert len(response.content) == 44 + audio.getnframes() * 2
    # Listening does not use the code up.
    assert CaptchaStore.objects.filter(hashkey=key).exists()


def test_each_digit_is_spoken_on_its_own_in_the_pages_language(client, monkeypatch):
    spoken = []
    real = speech._speak_one

    def spy(engine, digit, *, voice, speed, pitch):
        spoken.append((digit, voice.split("+")[0]))
        return real(engine, digit, voice=voice, speed=speed, pitch=pitch)

    monkeypatch.setattr(speech, "_speak_one", spy)
    key = new_key("59362")
    client.get(f"/captcha/audio/{key}.wav")
    assert spoken == [(d, "ar") for d in "59362"]
    spoken.clear()
    client.get(f"/en/captcha/audio/{key}.wav")
    assert spoken == [(d, "en") for d in "59362"]


def test_the_same_digit_never_sounds_the_same_twice(monkeypatch):
    """Voice variant, speed and pitch are drawn per digit, so eight recordings cannot
    read the code; one key always gives the same bytes (browsers fetch in ranges)."""
    settings_seen = []
    real = speech._speak_one

    def spy(engine, digit, *, voice, speed, pitch):
        settings_seen.append((voice, speed, pitch))
        return real(engine, digit, voice=voice, speed=speed, pitch=pitch)

    monkeypatch.setattr(speech, "_speak_one", spy)
    first = speech.speak_digits("77777", language="ar", key="a" * 40)
    assert len(set(settings_seen)) > 1
    assert speech.speak_digits("77777", language="ar", key="a" * 40) == first
    assert speech.speak_digits("77777", language="ar", key="b" * 40) != first


def test_arabic_and_english_sound_different(client):
    key = new_key("34567")
    arabic = client.get(f"/captcha/audio/{key}.wav").content
    english = client.get(f"/en/captcha/audio/{key}.wav").content
    assert arabic != english


def test_unknown_used_and_expired_codes_are_not_spoken(client):
    assert client.get(f"/captcha/audio/{'0' * 40}.wav").status_code == 404
    assert client.get("/en/captcha/audio/not-a-key.wav").status_code == 404

    expired = new_key()
    CaptchaStore.objects.filter(hashkey=expired).update(
        expiration=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get(f"/captcha/audio/{expired}.wav").status_code == 404

    used = new_key()
    client.post("/en/inquiry/", {"issued_number": "1", "captcha_0": used, "captcha_1": "PASSED"})
    assert client.get(f"/captcha/audio/{used}.wav").status_code == 404


def test_the_download_link_saves_the_file(client):
    key = new_key()
    response = client.get(f"/en/captcha/audio/{key}.wav?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="verification-code.wav"'


def test_byte_ranges_for_browsers_that_fetch_media_in_pieces(client):
    key = new_key()
    whole = client.get(f"/captcha/audio/{key}.wav").content
    size = len(whole)
    first = client.get(f"/captcha/audio/{key}.wav", headers={"Range": "bytes=0-1"})
    assert first.status_code == 206
    assert first.content == whole[:2] == b"RI"
    assert first["Content-Range"] == f"bytes 0-1/{size}"
    rest = client.get(f"/captcha/audio/{key}.wav", headers={"Range": "bytes=100-"})
    assert rest.status_code == 206 and rest.content == whole[100:]
    tail = client.get(f"/captcha/audio/{key}.wav", headers={"Range": "bytes=-10"})
    assert tail.content == whole[-10:]
    beyond = client.get(f"/captcha/audio/{key}.wav", headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{size}"
    for nonsense in ("bytes=abc", "bytes=٠-٥", "items=0-1", "bytes=0-1,5-9", "bytes=-"):
        response = client.get(f"/captcha/audio/{key}.wav", headers={"Range": nonsense})
        assert response.status_code == 200 and response.content == whole, nonsense


def test_spoken_codes_are_rate_limited_per_client(client, settings):
    settings.MUSANED_RATE_CAPTCHA_AUDIO = "3/10m"
    key = new_key()
    for _ in range(3):
        assert client.get(f"/captcha/audio/{key}.wav").status_code == 200
    response = client.get(f"/en/captcha/audio/{key}.wav")
    assert response.status_code == 429
    assert "Too many requests" in response.text


def test_a_failing_engine_is_a_503_not_a_500(client, settings):
    settings.MUSANED_SPEECH_ENGINE = "/bin/false"
    try:
        response = client.get(f"/captcha/audio/{new_key()}.wav")
    finally:
        speech._resolve.cache_clear()
    assert response.status_code == 503


def test_only_a_code_of_digits_reaches_the_engine():
    with pytest.raises(ValueError):
        speech.speak_digits("1; rm -rf /", language="en", key="k")
    with pytest.raises(ValueError):
        speech.speak_digits("-v", language="en", key="k")


def test_engine_output_that_is_not_its_wav_is_refused():
    with pytest.raises(speech.SpeechUnavailable):
        speech._pcm(b"not a wav file at all")
    fmt = struct.pack("<4sI4s4sIHHIIHH", b"RIFF", 0, b"WAVE", b"fmt ", 16, 1, 2, 8000, 0, 4, 16)
    with pytest.raises(speech.SpeechUnavailable):
        speech._pcm(fmt + b"data" + struct.pack("<I", 4) + b"\0\0\0\0")


# --- Without an engine (dev machines), and in production ----------------------------------


def test_without_an_engine_the_listen_button_is_hidden_and_nothing_is_spoken(client, no_engine):
    page = client.get("/en/inquiry/").text
    assert "Listen to the code" not in page
    assert "/captcha/audio/" not in page
    assert "Show a new code" in page
    assert client.get(f"/captcha/audio/{new_key()}.wav").status_code == 404


def test_the_system_check_warns_without_an_engine_and_passes_with_one(no_engine):
    problems = speech.check_speech_engine()
    assert [type(p) for p in problems] == [Warning]
    assert problems[0].id == "musaned.W060"
    assert "MUSANED_SPEECH_ENGINE" in problems[0].hint


def test_the_system_check_tries_both_languages():
    assert speech.check_speech_engine() == []


def test_the_system_check_fails_an_engine_that_cannot_speak(settings):
    settings.MUSANED_SPEECH_ENGINE = "/bin/true"  # runs, writes no WAV
    try:
        problems = speech.check_speech_engine()
    finally:
        speech._resolve.cache_clear()
    assert [type(p) for p in problems] == [Error, Error]
    assert {p.id for p in problems} == {"musaned.E060"}


@pytest.mark.parametrize("engine", ["/nonexistent/espeak-ng", "no-such-speech-engine", ""])
def test_production_refuses_to_start_without_the_speech_engine(engine):
    result = run_production(
        env={"MUSANED_SPEECH_ENGINE": engine}, code="import django; django.setup()"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "MUSANED_SPEECH_ENGINE" in result.stderr.strip().splitlines()[-1]


# --- The text question is gone -----------------------------------------------------------


def test_the_arithmetic_question_is_gone(client):
    assert not hasattr(captcha, "sum_challenge")
    assert not hasattr(captcha, "captcha_mode")
    for url in ("/en/inquiry/?captcha=text", "/inquiry/?captcha=text"):
        page = client.get(url).text
        assert "captcha__question" not in page
        assert "plus" not in page and "text question" not in page
        assert '<img src="/captcha/image/' in page
    # Every code is five digits, whatever the query string says.
    assert {len(store.challenge) for store in CaptchaStore.objects.all()} == {5}
    assert all(store.challenge.isdigit() for store in CaptchaStore.objects.all())


def test_digits_typed_as_heard_are_accepted_in_any_digit_script(client, real_check):
    # The code 34567, typed in Arabic-Indic digits with spaces as someone listening might.
    key = new_key("34567")
    response = client.post(
        "/en/inquiry/",
        {"issued_number": "4000000000", "national_id": "1000000008", "captcha_0": key,
         "captcha_1": "٣ ٤ ٥ ٦ ٧"},
    )  # fmt: skip
    assert 'id="inquiry-result"' in response.text
    assert "error-summary" not in response.text


def test_a_wrong_code_is_still_refused(client, real_check):
    key = new_key("34567")
    response = client.post(
        "/en/inquiry/",
        {"issued_number": "4000000000", "national_id": "1000000008", "captcha_0": key,
         "captcha_1": "34568"},
    )  # fmt: skip
    assert "The verification code is not right" in response.text
    assert not CaptchaStore.objects.filter(hashkey=key).exists()  # one try only


# --- "Show a new code" and "Listen to the code" keep what was typed -----------------------

INQUIRY = {"issued_number": "4000000000", "national_id": "1000000008"}


def press(client, url, data, action, key=None):
    key = key or new_key()
    response = client.post(
        url, {**data, "captcha_0": key, "captcha_1": "", "captcha_action": action}
    )
    return key, response


def assert_fresh_code_and_no_errors(response, old_key):
    assert response.status_code == 200
    html = response.text
    assert "error-summary" not in html
    assert 'aria-invalid="true"' not in html
    assert "field--error" not in html
    (key,) = keys_on(html)
    assert key != old_key
    assert CaptchaStore.objects.filter(hashkey=key).exists()
    # The code it replaced can no longer be used.
    assert not CaptchaStore.objects.filter(hashkey=old_key).exists()
    assert re.search(r'name="captcha_1"[^>]*>', html)[0].count("value=") == 0


@pytest.mark.parametrize("button", ["refresh", "audio"])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_public_inquiry_keeps_the_numbers(client, button, lang):
    prefix = "" if lang == "ar" else "/en"
    old, response = press(client, f"{prefix}/inquiry/", INQUIRY, button)
    assert_fresh_code_and_no_errors(response, old)
    assert 'value="4000000000"' in response.text
    assert 'value="1000000008"' in response.text
    assert 'id="inquiry-result"' not in response.text
    # Nothing was searched, so nothing was audited.
    assert not AuditEvent.objects.filter(action__startswith="visa.inquiry").exists()
    if button == "audio":  # the spoken code is shown once asked for
        assert re.search(r'<div class="captcha__audio" id="id_captcha_audio">', response.text)
        assert f'src="{prefix}/captcha/audio/{keys_on(response.text)[0]}.wav"' in response.text
        assert 'name="captcha_listen" value="1"' in response.text
        assert 'value="audio"' not in response.text  # no second "listen" button
    else:
        assert '<div class="captcha__audio" id="id_captcha_audio" hidden>' in response.text
        assert 'name="captcha_action" value="audio"' in response.text


def test_the_spoken_code_stays_shown_after_a_wrong_answer(client, real_check):
    key = new_key("34567")
    response = client.post(
        "/en/inquiry/",
        {**INQUIRY, "captcha_0": key, "captcha_1": "11111", "captcha_listen": "1"},
    )
    assert "The verification code is not right" in response.text
    assert '<div class="captcha__audio" id="id_captcha_audio">' in response.text
    assert 'name="captcha_listen" value="1"' in response.text


def test_captcha_buttons_do_not_count_against_the_inquiry_limit(client, settings):
    settings.MUSANED_RATE_INQUIRY = "2/10m"
    for action in ("refresh", "audio", "refresh", "audio"):
        assert press(client, "/en/inquiry/", INQUIRY, action)[1].status_code == 200
    for _ in range(2):
        response = client.post("/en/inquiry/", {**INQUIRY, "captcha_0": "x", "captcha_1": "PASSED"})
        assert response.status_code == 200
    response = client.post("/en/inquiry/", {**INQUIRY, "captcha_0": "x", "captcha_1": "PASSED"})
    assert response.status_code == 429


def test_an_unknown_action_is_an_ordinary_submit(client):
    response = client.post(
        "/en/inquiry/", {**INQUIRY, "captcha_0": "x", "captcha_1": "PASSED", "captcha_action": "x"}
    )
    assert 'id="inquiry-result"' in response.text


@pytest.mark.parametrize("action", ["refresh", "audio"])
def test_password_forgot_keeps_the_id_number_and_sends_nothing(client, action, settings, abdullah):
    """Abdullah has an open account and a mobile: a real request would send an SMS."""
    settings.MUSANED_RATE_PASSWORD_RESET = "1/h"
    old, response = press(client, "/en/password/forgot/", {"national_id": "1000000040"}, action)
    assert_fresh_code_and_no_errors(response, old)
    assert 'value="1000000040"' in response.text
    assert not sms.outbox
    # Not counted: the one request the limit allows is still there.
    response = client.post(
        "/en/password/forgot/",
        {"national_id": "1000000040", "captcha_0": "x", "captcha_1": "PASSED"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("action", ["refresh", "audio"])
def test_registration_step_two_stays_on_the_step(client, registry, action):
    from musaned.accounts.tests.factories import MOHAMMED

    assert client.post("/en/register/identity/", MOHAMMED).status_code == 302
    old, response = press(client, "/en/register/verify/", {}, action)
    assert_fresh_code_and_no_errors(response, old)
    assert "Step 2 of 5" in response.text
    # Still not verified: the next step sends the person back here.
    assert client.get("/en/register/account/")["Location"] == "/en/register/verify/"


@pytest.mark.parametrize("action", ["refresh", "audio"])
def test_login_after_three_failures_keeps_the_username_and_counts_nothing(
    client, action, settings, abdullah
):
    for _ in range(settings.MUSANED_CAPTCHA_AFTER_FAILURES):
        client.post(
            "/en/login/",
            {"username": "abdullah", "password": "wrong-password-1", "captcha_0": "x",
             "captcha_1": "PASSED"},
        )  # fmt: skip
    assert 'name="captcha_1"' in client.get("/en/login/").text
    failures = AuditEvent.objects.filter(action="login.failed").count()

    old, response = press(
        client, "/en/login/", {"username": "abdullah", "password": "typed-password"}, action
    )
    assert_fresh_code_and_no_errors(response, old)
    assert 'value="abdullah"' in response.text
    # Browsers and Django never show a password back.
    assert "typed-password" not in response.text
    assert AuditEvent.objects.filter(action="login.failed").count() == failures
    assert not sms.outbox


def test_enter_in_a_field_sends_the_form_not_a_captcha_button(client):
    """The first submit button of a form is the one Enter presses: the widget's hidden,
    unnamed one, before "Show a new code"."""
    html = client.get("/en/inquiry/").text
    buttons = re.findall(r"<button [^>]*>", html[html.index('<form method="post"') :])
    assert 'class="captcha__default" hidden' in buttons[0]
    assert "name=" not in buttons[0]
    assert 'name="captcha_action" value="refresh"' in buttons[1]


@override_settings(LANGUAGE_CODE="ar")
def test_the_widget_is_translated(client):
    page = client.get("/inquiry/").text
    for text in (
        "Show a new code",
        "Can't read the image? Listen to the code",
        "The same five digits, spoken one by one:",
        "Download the spoken code (WAV sound file)",
        "A new code is shown. Type the new code.",
    ):
        with translation.override("ar"):
            arabic = translation.gettext(text)
        assert arabic != text, f"not translated: {text}"
        assert arabic in page, text


def test_an_arabic_page_speaks_arabic_an_english_page_english():
    assert settings.LANGUAGE_CODE == "ar"
    assert set(speech.VOICES) == {code for code, _name in settings.LANGUAGES}
    client = Client()
    ar = client.get("/inquiry/").text
    en = client.get("/en/inquiry/").text
    assert re.search(r'src="/captcha/audio/[0-9a-f]{40}\.wav"', ar)
    assert re.search(r'src="/en/captcha/audio/[0-9a-f]{40}\.wav"', en)
