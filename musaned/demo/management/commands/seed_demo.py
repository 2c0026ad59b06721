"""Fill an empty platform with demo registry people, one active beneficiary and a staff user."""

import importlib

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from musaned.complaints.services import complaint_submit
from musaned.core.audit import audit
from musaned.identity.demo import (
    DEMO_ACCOUNT,
    DEMO_PEOPLE,
    DEMO_ROLES,
    DEMO_STAFF,
    registry_rows,
)
from musaned.identity.hijri import format_gregorian, format_hijri
from musaned.identity.models import RegistryPerson


class Command(BaseCommand):
    help = "Load demo registry people, a ready beneficiary account and a staff user (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        # The roles and the service level come from data migrations; put them back if a
        # test (or an operator) flushed the database since.
        for migration in ("0002_service_level", "0003_staff_roles"):
            importlib.import_module(f"musaned.complaints.migrations.{migration}").load(apps, None)
        for row in registry_rows():
            national_id = row.pop("national_id")
            RegistryPerson.objects.update_or_create(national_id=national_id, defaults=row)
        User = get_user_model()
        person = RegistryPerson.objects.get(national_id=DEMO_ACCOUNT["national_id"])
        account, created_account = User.objects.get_or_create(
            national_id=person.national_id,
            defaults={
                "username": DEMO_ACCOUNT["username"],
                "id_type": person.id_type,
                "first_name": person.first_name_ar,
                "last_name": person.family_name_ar,
                "birth_date": person.birth_date,
                "email": f"{DEMO_ACCOUNT['username']}@example.com",
                "mobile": person.mobile,
                "activated_at": timezone.now(),
                "privacy_notice_version": "demo",
                "privacy_consent_at": timezone.now(),
            },
        )
        if created_account:
            account.set_password(DEMO_ACCOUNT["password"])
            account.save(update_fields=["password"])
            audit("account.registered", actor=account, target=account, seeded=True)
        staff, created = User.objects.get_or_create(
            username=DEMO_STAFF["username"],
            defaults={
                "first_name": "Staff",
                "last_name": "Demo",
                "email": "staff@example.com",
                "is_staff": True,
                "is_superuser": True,
                "mobile": "+966500000099",
                "activated_at": timezone.now(),
            },
        )
        if created:
            staff.set_password(DEMO_STAFF["password"])
            staff.save(update_fields=["password"])
        for number, role in enumerate(DEMO_ROLES, start=1):
            member, created = User.objects.get_or_create(
                username=role["username"],
                defaults={
                    "first_name": role["username"].title(),
                    "last_name": "Demo",
                    "email": f"{role['username']}@example.com",
                    "is_staff": True,
                    "mobile": f"+96650000009{number}",
                    "activated_at": timezone.now(),
                },
            )
            if created:
                member.set_password(role["password"])
                member.save(update_fields=["password"])
                member.groups.add(Group.objects.get(name=role["role"]))
        if created_account and not account.complaints.exists():
            complaint_submit(
                owner=account,
                category="office",
                subject="مكتب الاستقدام لا يرد على الاتصالات",
                description="دفعت رسوم المكتب قبل ثلاثة أسابيع ولم يتواصل معي أحد منذ ذلك الحين.",
                contact_preference="sms",
            )
        self._print_identities()

    def _print_identities(self):
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data ready. Register as any of these people:"))
        registered = {DEMO_ACCOUNT["national_id"]}
        for person in DEMO_PEOPLE:
            if person["national_id"] in registered:
                continue
            if "birth_hijri" in person:
                y, m, d = person["birth_hijri"]
                from musaned.identity.hijri import hijri_to_gregorian

                born = f"{format_hijri(hijri_to_gregorian(y, m, d))} (Hijri: {d}/{m}/{y})"
            else:
                born = f"{format_gregorian(person['birth_gregorian'])}"
            flags = [
                flag
                for flag in ("disability_exemption", "unpaid_traffic_violations")
                if person.get(flag)
            ]
            out.write(
                f"  {person['national_id']}  {person['first_name_en']} {person['family_name_en']}"
                f" / {person['first_name_ar']} {person['family_name_ar']}  born {born}"
                f"  mobile {person['mobile'] or '(none registered)'}"
                + (f"  [{', '.join(flags)}]" if flags else "")
            )
        out.write(
            f"Ready account: {DEMO_ACCOUNT['username']} / {DEMO_ACCOUNT['password']} "
            f"(ID {DEMO_ACCOUNT['national_id']})"
        )
        out.write(f"Staff (admin at /admin/): {DEMO_STAFF['username']} / {DEMO_STAFF['password']}")
        for role in DEMO_ROLES:
            out.write(
                f"Back office (/backoffice/), {role['role']}: "
                f"{role['username']} / {role['password']}"
            )
        out.write("SMS codes are written as files to var/sms/ (newest last).")
