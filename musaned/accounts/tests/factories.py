"""Test users, made with factory_boy (docs/STYLE.md): an account as registration leaves
it, without walking the wizard. Reach workflow states through the real services; these
only make the people.

``UserFactory``: someone who signs in (active, the tests' password). ``BeneficiaryFactory``:
the account of one of the demo registry people (``musaned/identity/demo.py``; Abdullah,
``seed_demo``'s ready account, unless ``person=`` names another ID). ``StaffFactory``: a
staff member, in the staff roles given (``roles=["reviewer"]``, groups of
``musaned/complaints/migrations/0003_staff_roles.py``).
"""

from typing import Any

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory, Password

from musaned.accounts.models import User
from musaned.identity.demo import DEMO_ACCOUNT, registry_rows

PASSWORD = "Quiet-harbour-lanterns-42"


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

    username = DEMO_ACCOUNT["username"]
    national_id = factory.SelfAttribute("person")
    id_type = factory.LazyAttribute(lambda user: _registry(user.person)["id_type"])
    first_name = factory.LazyAttribute(lambda user: _registry(user.person)["first_name_ar"])
    last_name = factory.LazyAttribute(lambda user: _registry(user.person)["family_name_ar"])
    mobile = factory.LazyAttribute(lambda user: _registry(user.person)["mobile"])


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
