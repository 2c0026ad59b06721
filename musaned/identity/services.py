"""Writes of the local identity registry (``RegistryPerson``): loading people from a file
(``manage.py import_registry``) or the demo people (``manage.py seed_demo``)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, transaction

from musaned.core.audit import audit
from musaned.identity.models import RegistryPerson


@dataclass
class RegistryImport:
    """What an import did: how many people it saved, and the lines it could not save
    (``(line, reason)``; the reason names no personal data)."""

    imported: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def registry_person_save(*, fields: Mapping[str, Any]) -> RegistryPerson:
    """Create the person with ``fields["national_id"]``, or update them to ``fields``."""
    values = dict(fields)
    national_id = values.pop("national_id")
    person, _created = RegistryPerson.objects.update_or_create(
        national_id=national_id, defaults=values
    )
    return person


def registry_import(
    *,
    people: Iterable[tuple[int, Mapping[str, Any]]],
    source: str,
    skipped: int = 0,
) -> RegistryImport:
    """Save each ``(line, fields)`` in its own savepoint, in one transaction with the audit
    row ``registry.imported`` (the file's name and the counts only). A row the database
    refuses is skipped and reported. ``skipped``: rows the caller already refused."""
    result = RegistryImport()
    with transaction.atomic():
        for line, fields in people:
            try:
                with transaction.atomic():
                    registry_person_save(fields=fields)
            except DatabaseError as error:
                result.refused.append((line, f"the database refused the row ({error})"))
            else:
                result.imported += 1
        audit(
            "registry.imported",
            file=source,
            imported=result.imported,
            skipped=skipped + len(result.refused),
        )
    return result
