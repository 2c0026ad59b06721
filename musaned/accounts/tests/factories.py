"""Test users, made with factory_boy (docs/STYLE.md): an account as registration leaves
it, without walking the wizard. Reach workflow states through the real services; these
only make the people. The root ``conftest.py`` names the people most tests use
(``abdullah``, ``citizen``, ``officer``, …); make anyone else here.

``UserFactory``: someone who signs in (active, the tests' password). ``BeneficiaryFactory``:
the account of one of the demo registry people (``musaned/identity/demo.py``; Abdullah,
``seed_demo``'s ready account, unless ``person=`` names another ID), named, born and
reachable as the registry says (the username is the English first name, lower case).
``StaffFactory``: a staff member, in the staff roles given (``roles=["reviewer"]``, groups
of ``musaned/complaints/migrations/0003_staff_roles.py``, which must exist: the
``staff_roles`` fixture loads them) and holding the permissions given
(``permissions=["decide_visaapplication"]``, by codename).

``PASSWORD`` is every factory user's password; ``CAPTCHA`` the answer the captcha's test
mode (``CAPTCHA_TEST_MODE``) accepts, for the forms that ask for one; ``NOURA``,
``MOHAMMED`` and ``AHMED`` registration's first step as those people type it, and
``MOBILES`` the mobile each types at the contact step.
"""

from typing import Any

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from musaned.accounts.models import User
from musaned.identity.demo import DEMO_ACCOUNT, registry_rows

PASSWORD = "Quiet-harbour-lanterns-42"
CAPTCHA = {"captcha_0": "any-key", "captcha_1": "PASSED"}
# Registration asks for a mobile where the registry has none (musaned/identity/demo.py).
MOBILE_TYPED_AT_REGISTRATION = "+966500000077"

# The demo people (musaned/identity/demo.py) as a person would type them.
NOURA = {
    "id_type": "citizen",
    "national_id": "1000000016",
    "first_name": "نورة",
    "family_name": "الشهري",
    "birth_date_hijri_day": "1",
    "birth_date_hijri_month": "9",
    "birth_date_hijri_year": "1400",
}
MOHAMMED = {
    "id_type": "citizen",
    "national_id": "1000000008",
    "first_name": "Mohammed",
    "family_name": "Alotaibi",
    "birth_date_hijri_day": "15",
    "birth_date_hijri_month": "7",
    "birth_date_hijri_year": "1405",
}
AHMED = {
    "id_type": "resident",
    "national_id": "2000000006",
    "first_name": "Ahmed",
    "family_name": "Hassan",
    "birth_date_gregorian_day": "14",
    "birth_date_gregorian_month": "3",
    "birth_date_gregorian_year": "1988",
}
MOBILES = {"1000000016": "0500000002", "1000000008": "0500000001", "2000000006": "0500000006"}


def _registry(national_id: str) -> dict[str, Any]:
    return next(row for row in registry_rows() if row["national_id"] == national_id)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = Password(PASSWORD)
    activated_at = factory.LazyFunction(timezone.now)


class BeneficiaryFactory(UserFactory):
    class Params:
        person = DEMO_ACCOUNT["national_id"]

    username = factory.LazyAttribute(lambda user: _registry(user.person)["first_name_en"].lower())
    national_id = factory.SelfAttribute("person")
    id_type = factory.LazyAttribute(lambda user: _registry(user.person)["id_type"])
    first_name = factory.LazyAttribute(lambda user: _registry(user.person)["first_name_ar"])
    last_name = factory.LazyAttribute(lambda user: _registry(user.person)["family_name_ar"])
    birth_date = factory.LazyAttribute(lambda user: _registry(user.person)["birth_date"])
    mobile = factory.LazyAttribute(
        lambda user: _registry(user.person)["mobile"] or MOBILE_TYPED_AT_REGISTRATION
    )


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            groups = list(Group.objects.filter(name__in=extracted))
            missing = set(extracted) - {group.name for group in groups}
            assert not missing, f"no staff role {sorted(missing)}: load the staff_roles fixture"
            self.groups.add(*groups)

    @factory.post_generation
    def permissions(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.user_permissions.add(*(Permission.objects.get(codename=c) for c in extracted))
