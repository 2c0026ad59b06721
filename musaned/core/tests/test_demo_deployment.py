"""Nothing local runs in production unless asked for by name (musaned/core/ports.py):
production refuses the local implementations of the ports without
``MUSANED_DEMO_DEPLOYMENT=1``; with it, every page says "demonstration"; and
``check --deploy`` warns for each local implementation in use."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from musaned.core import checks, ports
from musaned.core.tests.test_production import REAL_ADAPTERS, run_production

START = "import django; django.setup()"
LOCAL = {
    "PAYMENT_GATEWAY_BACKEND": "musaned.payments.gateway.LocalSadadGateway",
    "IDENTITY_REGISTRY_BACKEND": "musaned.identity.registry.LocalRegistry",
    "SMS_BACKEND": "musaned.notifications.sms.backends.locmem.SmsBackend",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
}


def last_line(result) -> str:
    return result.stderr.strip().splitlines()[-1]


# --- Production refuses to start --------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        # Unset: the defaults are the simulator, the local registry and console SMS/email.
        ("PAYMENT_GATEWAY_BACKEND", None),
        ("PAYMENT_GATEWAY_BACKEND", "musaned.payments.gateway.LocalSadadGateway"),
        ("IDENTITY_REGISTRY_BACKEND", None),
        ("IDENTITY_REGISTRY_BACKEND", "musaned.identity.registry.LocalRegistry"),
        ("SMS_BACKEND", None),
        ("SMS_BACKEND", "console"),
        ("SMS_BACKEND", "file"),
        ("SMS_BACKEND", "locmem"),
        ("SMS_BACKEND", "musaned.notifications.sms.backends.filebased.SmsBackend"),
        ("EMAIL_BACKEND", None),
        ("EMAIL_BACKEND", "console"),
        ("EMAIL_BACKEND", "file"),
        ("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend"),
    ],
)
def test_production_refuses_a_local_implementation_and_names_the_variable(variable, value):
    result = run_production(env={variable: value}, code=START)
    assert result.returncode != 0
    line = last_line(result)
    assert line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert variable in line and "MUSANED_DEMO_DEPLOYMENT=1" in line
    # Only the one that is local is named.
    for other in REAL_ADAPTERS.keys() - {variable}:
        assert f"{other} is" not in line


def test_with_every_default_the_message_names_every_variable():
    result = run_production(env=dict.fromkeys(REAL_ADAPTERS), code=START)
    assert result.returncode != 0
    line = last_line(result)
    assert (
        "set PAYMENT_GATEWAY_BACKEND, IDENTITY_REGISTRY_BACKEND, SMS_BACKEND, EMAIL_BACKEND "
        "to the dotted path of the real adapter" in line
    )
    for doc in ("docs/payments.md", "docs/registry.md", "docs/sms.md"):
        assert doc in line


def test_a_subclass_of_the_simulator_is_refused_too():
    # It would still serve the simulator's pages, where bills are paid without money.
    result = run_production(
        env={"PAYMENT_GATEWAY_BACKEND": "musaned.payments.tests.fakes.RecordingGateway"},
        code=START,
    )
    assert result.returncode != 0
    line = last_line(result)
    assert "PAYMENT_GATEWAY_BACKEND" in line
    assert "a subclass of musaned.payments.gateway.LocalSadadGateway" in line


def test_an_adapter_that_cannot_be_imported_is_named():
    result = run_production(env={"SMS_BACKEND": "sms_adapter.missing.Backend"}, code=START)
    assert result.returncode != 0
    assert "SMS_BACKEND names 'sms_adapter.missing.Backend'" in last_line(result)


def test_the_demo_switch_lets_the_local_implementations_start():
    code = f"""{START}
from django.conf import settings
print(settings.MUSANED_DEMO_DEPLOYMENT, settings.PAYMENT_GATEWAY_BACKEND, settings.SMS_BACKEND)
"""
    result = run_production(
        env={**dict.fromkeys(REAL_ADAPTERS), "MUSANED_DEMO_DEPLOYMENT": "1"}, code=code
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "musaned.payments.gateway.LocalSadadGateway",
        "musaned.notifications.sms.backends.console.SmsBackend",
    ]


def test_without_the_switch_production_is_not_a_demo():
    code = f"""{START}
from django.conf import settings
print(settings.MUSANED_DEMO_DEPLOYMENT)
"""
    result = run_production(code=code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


# --- check --deploy ------------------------------------------------------------------


def test_check_deploy_warns_for_each_local_implementation_of_a_demo():
    result = run_production(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            **dict.fromkeys(REAL_ADAPTERS),
            "MUSANED_DEMO_DEPLOYMENT": "1",
            "MUSANED_SITE_URL": "https://demo.example.org",
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    for check_id, variable in [
        ("musaned.W001", "PAYMENT_GATEWAY_BACKEND"),
        ("musaned.W002", "IDENTITY_REGISTRY_BACKEND"),
        ("musaned.W003", "SMS_BACKEND"),
        ("musaned.W004", "EMAIL_BACKEND"),
    ]:
        assert f"({check_id}) {variable} is " in output
    assert "musaned.W005" not in output  # the simulator knows where this site is
    assert "System check identified 4 issues" in output


def test_check_deploy_warns_when_the_simulator_has_nowhere_to_deliver():
    result = run_production(
        "check",
        "--deploy",
        env={"PAYMENT_GATEWAY_BACKEND": None, "MUSANED_DEMO_DEPLOYMENT": "1"},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output  # warnings only
    assert "(musaned.W001) PAYMENT_GATEWAY_BACKEND is the SADAD payment simulator" in output
    assert "(musaned.W005)" in output and "MUSANED_SITE_URL" in output
    assert "musaned.W003" not in output  # the SMS adapter is a real one


# --- The checks and the rules, in the process ------------------------------------------


@override_settings(**LOCAL, MUSANED_SITE_URL="", PAYMENT_CALLBACK_URL="")
def test_the_check_names_each_local_implementation():
    messages = checks.local_implementations()
    assert [m.id for m in messages] == [
        "musaned.W001",
        "musaned.W002",
        "musaned.W003",
        "musaned.W004",
        "musaned.W005",
    ]
    assert messages[2].msg == (
        "SMS_BACKEND is SMS kept in memory: nobody gets them "
        "(musaned.notifications.sms.backends.locmem.SmsBackend)."
    )
    assert "MUSANED_DEMO_DEPLOYMENT=1" in messages[0].hint
    assert "docs/payments.md" in messages[0].hint


@override_settings(
    **{**REAL_ADAPTERS, "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}
)
def test_the_check_is_quiet_with_real_adapters():
    assert checks.local_implementations() == []


@override_settings(PAYMENT_GATEWAY_BACKEND="musaned.payments.tests.fakes.RecordingGateway")
def test_the_check_sees_a_subclass_of_a_local_implementation():
    (payments,) = [m for m in checks.local_implementations() if m.id == "musaned.W001"]
    assert "a subclass of musaned.payments.gateway.LocalSadadGateway" in payments.msg


@override_settings(IDENTITY_REGISTRY_BACKEND="nowhere.Registry")
def test_an_adapter_that_cannot_be_imported_is_an_error():
    (error,) = checks.local_implementations()
    assert error.id == "musaned.E001"
    assert "IDENTITY_REGISTRY_BACKEND names 'nowhere.Registry'" in error.msg


def test_the_named_rule_needs_no_import_and_the_refusal_names_variables():
    in_use = ports.named_local_implementations(
        {**REAL_ADAPTERS, "SMS_BACKEND": LOCAL["SMS_BACKEND"], "EMAIL_BACKEND": "x.y.Z"}
    )
    assert [item.port.setting for item in in_use] == ["SMS_BACKEND"]
    with pytest.raises(ImproperlyConfigured, match="set SMS_BACKEND to the dotted path"):
        ports.refuse(in_use)
    ports.refuse([])  # nothing local: nothing to refuse


# --- The banner --------------------------------------------------------------------------

BANNER = {"ar": "نسخة تجريبية — لا مدفوعات حقيقية", "en": "Demonstration — no real payments"}


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "prefix"), [("ar", ""), ("en", "/en")])
@pytest.mark.parametrize("path", ["/", "/login/", "/inquiry/", "/no-such-page/"])
def test_a_demo_says_so_on_every_page(client, settings, lang, prefix, path):
    settings.MUSANED_DEMO_DEPLOYMENT = True
    response = client.get(prefix + path)
    assert response.status_code in (200, 404)
    assert BANNER[lang] in response.content.decode()


@pytest.mark.django_db
def test_a_real_deployment_has_no_banner(client, settings):
    settings.MUSANED_DEMO_DEPLOYMENT = False
    html = client.get("/en/").content.decode()
    assert "demo-banner" not in html and BANNER["en"] not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("demo", "shown"), [(True, True), (False, False)])
def test_the_admin_header_says_so_too(client, settings, django_user_model, demo, shown):
    settings.MUSANED_DEMO_DEPLOYMENT = demo
    client.force_login(django_user_model.objects.create_superuser("root-admin", "r@example.com"))
    html = client.get("/en/admin/").content.decode()
    assert "Django administration" in html
    assert (BANNER["en"] in html) is shown
