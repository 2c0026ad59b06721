"""The demo platform's one write: the demo people, a ready beneficiary account, a staff
user and one account per staff role (``manage.py seed_demo``). Safe to run again: what
exists is kept as it is."""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from musaned.accounts.models import User
from musaned.complaints.services import complaint_submit
from musaned.core.audit import audit
from musaned.identity.demo import DEMO_ACCOUNT, DEMO_ROLES, DEMO_STAFF, registry_rows
from musaned.identity.models import RegistryPerson
from musaned.identity.services import registry_person_save


def _account(password: str, *, key: dict[str, str], **defaults: object) -> tuple[User, bool]:
    """The account ``key`` names, made with ``defaults`` and ``password`` if it is new."""
    user, created = User.objects.get_or_create(**key, defaults=defaults)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def demo_seed() -> User:
    """Load the demo data in one transaction (the platform acts: no actor). The roles and
    the service level come from data migrations; they are put back if a test (or an
    operator) flushed the database since. The new ready account is audited as registered
    (``seeded``) and files one complaint, through the complaints service. Returns the
    ready account."""
    with transaction.atomic():
        for migration in ("0002_service_level", "0003_staff_roles"):
            importlib.import_module(f"musaned.complaints.migrations.{migration}").load(apps, None)
        for row in registry_rows():
            registry_person_save(fields=row)
        person = RegistryPerson.objects.get(national_id=DEMO_ACCOUNT["national_id"])
        account, created_account = _account(
            DEMO_ACCOUNT["password"],
            key={"national_id": person.national_id},
            username=DEMO_ACCOUNT["username"],
            id_type=person.id_type,
            first_name=person.first_name_ar,
            last_name=person.family_name_ar,
            birth_date=person.birth_date,
            email=f"{DEMO_ACCOUNT['username']}@example.com",
            mobile=person.mobile,
            activated_at=timezone.now(),
            privacy_notice_version="demo",
            privacy_consent_at=timezone.now(),
        )
        if created_account:
            audit("account.registered", actor=account, target=account, seeded=True)
        _account(
            DEMO_STAFF["password"],
            key={"username": DEMO_STAFF["username"]},
            first_name="Staff",
            last_name="Demo",
            email="staff@example.com",
            is_staff=True,
            is_superuser=True,
            mobile="+966500000099",
            activated_at=timezone.now(),
        )
        for number, role in enumerate(DEMO_ROLES, start=1):
            member, created = _account(
                role["password"],
                key={"username": role["username"]},
                first_name=role["username"].title(),
                last_name="Demo",
                email=f"{role['username']}@example.com",
                is_staff=True,
                mobile=f"+96650000009{number}",
                activated_at=timezone.now(),
            )
            if created:
                member.groups.add(Group.objects.get(name=role["role"]))
        if created_account and not account.complaints.exists():
            complaint_submit(
                owner=account,
                category="worker",
                subject="مكتب الاستقدام لا يرد على الاتصالات",
                description="دفعت رسوم المكتب قبل ثلاثة أسابيع ولم يتواصل معي أحد منذ ذلك الحين.",
                contact_preference="sms",
            )
    return account
