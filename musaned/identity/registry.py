"""The identity-registry port.

Services ask the registry whether what a person typed matches the national
record; they never show the record. ``IDENTITY_REGISTRY_BACKEND`` names the
implementation by dotted path, as ``EMAIL_BACKEND`` does; ``LocalRegistry``
reads the ``RegistryPerson`` table, a production adapter would call Yakeen.
``musaned/identity/tests/contract.py`` is the behaviour every adapter must show
(docs/registry.md says how to run it against yours).
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from musaned.core.errors import OutsideSystemUnavailable
from musaned.identity.saudi_id import IdType, SaudiId


@dataclass(frozen=True)
class PersonRecord:
    """What the registry holds about one person, in the platform's own forms: the ID in
    ASCII digits, the mobile in E.164 (``+9665XXXXXXXX``) or empty, names as on the ID
    (Arabic and Latin), ISO 3166 alpha-3 nationality, gender ``M``/``F``."""

    national_id: str
    id_type: IdType
    first_names: tuple[str, ...]
    family_names: tuple[str, ...]
    birth_date: dt.date
    nationality: str
    gender: str
    mobile: str
    disability_exemption: bool
    unpaid_traffic_violations: bool


class RegistryUnavailable(OutsideSystemUnavailable):
    """The registry could not answer (unreachable, timed out, refused our credentials).

    An adapter raises this, never ``None``, when it does not know: ``None`` means "no
    such person", and a registration would be refused for it. No personal data in the
    message (it is logged)."""


class IdentityRegistry:
    """The interface a registry adapter implements."""

    def lookup(self, national_id: str) -> PersonRecord | None:
        """The person with this ID number, or None when the registry has nobody by it.

        ``national_id`` may arrive in Arabic-Indic digits or with spaces; an adapter
        normalises it (``SaudiId.parse``) and answers None, without asking anyone, for a
        number that is not a valid ID. Raises ``RegistryUnavailable`` when it cannot ask.
        """
        raise NotImplementedError


def parse_national_id(national_id: str) -> str | None:
    """The ID in ASCII digits, or None when it is not a valid ID number."""
    try:
        return SaudiId.parse(national_id).value
    except ValidationError:
        return None


class LocalRegistry(IdentityRegistry):
    """The ``RegistryPerson`` table (``manage.py import_registry``, ``seed_demo``). For
    development and demonstrations: production refuses it unless
    ``MUSANED_DEMO_DEPLOYMENT=1``."""

    def lookup(self, national_id: str) -> PersonRecord | None:
        from musaned.identity.models import RegistryPerson

        valid = parse_national_id(national_id)
        if valid is None:
            return None
        person = RegistryPerson.objects.filter(national_id=valid).first()
        if person is None:
            return None
        return PersonRecord(
            national_id=person.national_id,
            id_type=IdType(person.id_type),
            first_names=(person.first_name_ar, person.first_name_en),
            family_names=(person.family_name_ar, person.family_name_en),
            birth_date=person.birth_date,
            nationality=person.nationality,
            gender=person.gender,
            mobile=person.mobile,
            disability_exemption=person.disability_exemption,
            unpaid_traffic_violations=person.unpaid_traffic_violations,
        )


@cache
def _backend_class(path: str) -> type[IdentityRegistry]:
    return import_string(path)


def get_registry() -> IdentityRegistry:
    return _backend_class(settings.IDENTITY_REGISTRY_BACKEND)()


_ARABIC_MARKS = re.compile(r"[\u064B-\u0652\u0670\u0640]")  # tashkeel and tatweel
_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه"})


def normalize_name(name: str) -> str:
    """Compare names as people write them: case, spaces, Arabic diacritics and alef forms aside."""
    name = unicodedata.normalize("NFKC", name)
    name = _ARABIC_MARKS.sub("", name).translate(_ALEF_FORMS)
    return " ".join(name.casefold().replace("-", " ").split())


@dataclass(frozen=True)
class MatchResult:
    """Which parts did not match. Kept for the audit trail; never shown to the person."""

    found: bool
    mismatched: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.found and not self.mismatched


def match_person(
    record: PersonRecord | None,
    *,
    id_type: str,
    first_name: str,
    family_name: str,
    birth_date: dt.date,
) -> MatchResult:
    if record is None:
        return MatchResult(found=False)
    mismatched = []
    if record.id_type != id_type:
        mismatched.append("id_type")
    if normalize_name(first_name) not in {normalize_name(n) for n in record.first_names}:
        mismatched.append("first_name")
    if normalize_name(family_name) not in {normalize_name(n) for n in record.family_names}:
        mismatched.append("family_name")
    if record.birth_date != birth_date:
        mismatched.append("birth_date")
    return MatchResult(found=True, mismatched=tuple(mismatched))
