"""Fill an empty platform with demo registry people, one active beneficiary and a staff user."""

from typing import Any

from django.core.management.base import BaseCommand

from musaned.demo.services import demo_seed
from musaned.identity.demo import DEMO_ACCOUNT, DEMO_PEOPLE, DEMO_ROLES, DEMO_STAFF
from musaned.identity.hijri import format_gregorian, format_hijri, hijri_to_gregorian


class Command(BaseCommand):
    help = "Load demo registry people, a ready beneficiary account and a staff user (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo_seed()
        self._print_identities()

    def _print_identities(self) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data ready. Register as any of these people:"))
        registered = {DEMO_ACCOUNT["national_id"]}
        for person in DEMO_PEOPLE:
            if person["national_id"] in registered:
                continue
            if "birth_hijri" in person:
                y, m, d = person["birth_hijri"]
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
