"""Fixtures shared by every test: the demo registry, a clean SMS outbox and cache."""

import pytest
from django.core.cache import cache

from musaned.notifications import sms


@pytest.fixture(autouse=True)
def _clean_outbox_and_cache():
    sms.outbox.clear()
    cache.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def registry(db):
    """The demo people (musaned/identity/demo.py) in the local registry."""
    from musaned.identity.demo import registry_rows
    from musaned.identity.models import RegistryPerson

    for row in registry_rows():
        RegistryPerson.objects.create(**row)
    return RegistryPerson.objects.all()


@pytest.fixture
def last_sms_code():
    """The six-digit code in the newest SMS sent to a number."""
    import re

    def read(to: str) -> str:
        for message in reversed(sms.outbox):
            if message.to == to:
                return re.search(r"\b([0-9]{6})\b", message.body).group(1)
        raise AssertionError(f"no SMS was sent to {to}")

    return read
