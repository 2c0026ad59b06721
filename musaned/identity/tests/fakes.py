"""Registries for tests, chosen with ``settings.IDENTITY_REGISTRY_BACKEND``."""

import datetime as dt

from musaned.identity.registry import IdentityRegistry, PersonRecord, RegistryUnavailable
from musaned.identity.saudi_id import IdType


class RemoteRegistry(IdentityRegistry):
    """Stands for a production adapter (Yakeen) that is not a local implementation; in the
    tests there is no registry to call."""

    def lookup(self, national_id):
        raise RegistryUnavailable("no national registry in the tests")


class CarelessRegistry(IdentityRegistry):
    """A registry of two people that breaks the contract (musaned/identity/tests/
    contract.py): mobiles as people write them instead of E.164, and IDs found only when
    typed in ASCII digits. The kit must catch both, and pass the rest."""

    PEOPLE = {
        "1000000008": PersonRecord(
            national_id="1000000008",
            id_type=IdType.CITIZEN,
            first_names=("محمد", "Mohammed"),
            family_names=("العتيبي", "Alotaibi"),
            birth_date=dt.date(1985, 4, 5),
            nationality="SAU",
            gender="M",
            mobile="0500000001",
            disability_exemption=False,
            unpaid_traffic_violations=False,
        ),
        "2000000006": PersonRecord(
            national_id="2000000006",
            id_type=IdType.RESIDENT,
            first_names=("أحمد", "Ahmed"),
            family_names=("حسن", "Hassan"),
            birth_date=dt.date(1988, 3, 14),
            nationality="EGY",
            gender="M",
            mobile="",
            disability_exemption=False,
            unpaid_traffic_violations=True,
        ),
    }

    def lookup(self, national_id):
        return self.PEOPLE.get(national_id)
