"""The support contact people read in the footer and on the contact page."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[3]


def test_the_default_support_email_is_on_a_reserved_domain_not_a_local_name(client):
    page = client.get("/contact/").content.decode()
    assert 'href="mailto:support@musaned.example"' in page
    assert ".local" not in page


@override_settings(MUSANED_SUPPORT_EMAIL="care@ministry.example.sa")
def test_the_support_email_is_the_deployments_own(client):
    for path in ("/", "/contact/", "/en/contact/"):
        assert 'href="mailto:care@ministry.example.sa"' in client.get(path).content.decode()


def test_the_support_email_and_the_sender_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.MUSANED_SUPPORT_EMAIL, settings.DEFAULT_FROM_EMAIL)"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "MUSANED_SUPPORT_EMAIL": "help@example.org",
        "DEFAULT_FROM_EMAIL": "Musaned <noreply@example.org>",
        "PATH": "/usr/bin:/bin",
    }
    shown = subprocess.run(  # noqa: S603 (our own interpreter)
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert shown.stdout.split("\n")[-2] == "help@example.org Musaned <noreply@example.org>", (
        shown.stderr
    )
