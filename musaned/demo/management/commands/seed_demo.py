"""Fill an empty platform with demo registry people, two active beneficiaries, staff users,
recruitment offices with their people and prices, complaints about them, and recruitment
journeys (requests, offers, contracts with their stages and ledgers)."""

from typing import Any

from django.core.management.base import BaseCommand

from musaned.demo.offices import DEMO_OFFICES
from musaned.demo.services import demo_seed
from musaned.identity.demo import (
    DEMO_ACCOUNT,
    DEMO_OFFICE_USERS,
    DEMO_PEOPLE,
    DEMO_RECRUITMENT_ACCOUNT,
    DEMO_ROLES,
    DEMO_STAFF,
    account_holders,
)
from musaned.identity.hijri import format_gregorian, format_hijri, hijri_to_gregorian


class Command(BaseCommand):
    help = (
        "Load demo registry people, ready beneficiary accounts, staff users, recruitment"
        " offices, complaints about them and recruitment journeys (idempotent)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        demo_seed()
        self._print_identities()

    def _print_identities(self) -> None:
        out = self.stdout
        out.write(self.style.SUCCESS("Demo data ready. Register as any of these people:"))
        registered = account_holders()
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
        out.write(
            f"Recruitment journey: {DEMO_RECRUITMENT_ACCOUNT['username']} / "
            f"{DEMO_RECRUITMENT_ACCOUNT['password']} (ID {DEMO_RECRUITMENT_ACCOUNT['national_id']}):"
            " offers to compare, a contract in progress, a late one in its extension"
        )
        out.write(f"Staff (admin at /admin/): {DEMO_STAFF['username']} / {DEMO_STAFF['password']}")
        for role in DEMO_ROLES:
            out.write(
                f"Staff ({role['at']}), {role['role']}: {role['username']} / {role['password']}"
            )
        office = DEMO_OFFICES[0]
        for person in DEMO_OFFICE_USERS:
            out.write(
                f"Office portal (/office/), {person['role']} of {office['name_en']}: "
                f"{person['username']} / {person['password']} (ID {person['national_id']})"
            )
        out.write(
            f"{len(DEMO_OFFICES)} recruitment offices in the public directory at /offices/ "
            "(one suspended: out of the list, its page stays)."
        )
        out.write("SMS codes are written as files to var/sms/ (newest last).")
