import json

import pytest
from django.conf import settings
from django.test import Client

from musaned.accounts.tests.factories import AHMED, CAPTCHA, MOHAMMED, PASSWORD
from musaned.core.models import AuditEvent
from musaned.notifications import sms

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_auth_event_is_audited_without_passwords_codes_or_full_id_numbers(
    client, register, abdullah, log_in, last_sms_code
):
    new_password = "A-new-passphrase-7"
    changed_password = "Third-passphrase-for-me-5"
    register(client, MOHAMMED, username="mohammed", email="m@example.com")
    client.post("/register/identity/", {**AHMED, "first_name": "Khalid"})  # registry mismatch
    log_in(client, "mohammed", mobile="+966500000001")
    client.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": changed_password,
            "new_password2": changed_password,
        },
    )
    client.post("/logout/")
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        attacker.post("/login/", {"username": "1000000040", "password": "Wrong-guess-0", **CAPTCHA})
    reset = Client(REMOTE_ADDR="198.51.100.7")
    reset.post("/password/forgot/", {"national_id": "1000000040", **CAPTCHA})
    reset.post(
        "/password/reset/",
        {
            "code": last_sms_code("+966500000005"),
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "account.registered",
        "code.sent",
        "code.verified",
        "account.activated",
        "registration.registry_mismatch",
        "login.succeeded",
        "login.failed",
        "login.locked_out",
        "password.changed",
        "logout",
        "password.reset_requested",
        "password.reset",
    } <= actions

    codes = {
        m for message in sms.outbox for m in __import__("re").findall(r"[0-9]{6}", message.body)
    }
    secrets = {PASSWORD, new_password, changed_password, "Wrong-guess-0", *codes}
    full_ids = {"1000000008", "1000000040", "2000000006", "١٠٠٠٠٠٠٠٠٨"}
    for event in AuditEvent.objects.all():
        dumped = json.dumps(event.data, ensure_ascii=False)
        for secret in secrets | full_ids:
            assert secret not in dumped, (event.action, dumped)
        assert not {"password", "code", "new_password"} & set(event.data), event.action


def test_failed_login_names_the_account_and_masks_the_identifier(client, abdullah):
    client.post("/login/", {"username": "1000000040", "password": "Wrong-guess-0"})
    event = AuditEvent.objects.get(action="login.failed")
    assert event.actor == abdullah
    assert event.data == {"identifier": "1*******40"}
    assert event.ip_address == "127.0.0.1"
