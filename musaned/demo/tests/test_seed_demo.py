"""``manage.py seed_demo``: the demo people and accounts, once, however often it runs."""

import io

import pytest
from django.core.management import call_command

from musaned.accounts.models import User
from musaned.core.models import AuditEvent
from musaned.identity.demo import DEMO_ACCOUNT, DEMO_PEOPLE, DEMO_ROLES, DEMO_STAFF
from musaned.identity.models import RegistryPerson

pytestmark = pytest.mark.django_db


def test_seeding_twice_gives_the_demo_data_once():
    for _ in range(2):
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        assert "Demo data ready" in out.getvalue()
    assert RegistryPerson.objects.count() == len(DEMO_PEOPLE)
    ready = User.objects.get(username=DEMO_ACCOUNT["username"])
    assert ready.check_password(DEMO_ACCOUNT["password"]) and ready.is_activated
    assert ready.national_id == DEMO_ACCOUNT["national_id"]
    staff = User.objects.get(username=DEMO_STAFF["username"])
    assert staff.is_superuser and staff.check_password(DEMO_STAFF["password"])
    for role in DEMO_ROLES:
        member = User.objects.get(username=role["username"])
        assert list(member.groups.values_list("name", flat=True)) == [role["role"]]
    registered = AuditEvent.objects.filter(action="account.registered")
    assert [(e.actor, e.data) for e in registered] == [(ready, {"seeded": True})]
    assert ready.complaints.count() == 1
    assert AuditEvent.objects.filter(action="registry.imported").count() == 0
