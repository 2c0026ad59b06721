"""Visa inquiry: by issued number and the sponsor's ID for anyone; inside the account by
request, visa or issued number, or by one's own ID number. Both answer with the one visa
card (presenters.py)."""

import re
import time

from django.db.models import CharField, ForeignKey, Value
from django.db.models.signals import post_delete, post_save

from musaned.accounts.models import User
from musaned.identity.saudi_id import normalize_digits
from musaned.visas.models import (
    ArrivalPoint,
    BilingualName,
    Nationality,
    Occupation,
    VisaApplication,
)
from musaned.visas.presenters import VisaCard, visa_card
from musaned.visas.selectors import applications_for, applications_numbered_for

_DIGITS = re.compile(r"[0-9]{1,20}")
# Only what the card shows (docs/performance.md: the full rows cost a third of the time).
# The catalogue names come from CATALOGUES, so the lookup joins the owner only.
CARD_FIELDS = (
    "reference",
    "state",
    "visa_number",
    "issued_number",
    "worker_gender",
    "issued_on",
    "expires_on",
    "occupation",
    "nationality",
    "arrival_point",
    "owner__first_name",
    "owner__last_name",
)
CATALOGUE_FIELDS = ("occupation", "nationality", "arrival_point")


class CatalogueNames:
    """The names of the three catalogues a visa card shows, kept in the process.

    They are a few dozen rows that change rarely; reading them with every inquiry made
    it a five-table join (docs/performance.md). One query loads all three; the copy is
    dropped after ``TTL`` seconds, when this process saves or deletes a catalogue row
    (signals below), and when a visa names a row it does not hold (a new one). So a
    renamed entry shows everywhere within ``TTL`` seconds, at once in the process that
    renamed it. The copies are name holders only (pk, name_ar, name_en): the card reads
    ``.name``.
    """

    TTL = 60.0

    def __init__(self):
        self._rows: dict[str, dict[int, BilingualName]] | None = None
        self._loaded_at = 0.0

    def clear(self, **_signal) -> None:
        self._rows = None

    def _load(self) -> dict[str, dict[int, BilingualName]]:
        models: dict[str, type[Occupation] | type[Nationality] | type[ArrivalPoint]] = {
            "occupation": Occupation,
            "nationality": Nationality,
            "arrival_point": ArrivalPoint,
        }
        parts = [
            model.objects.order_by()
            .annotate(kind=Value(kind, output_field=CharField()))
            .values_list("kind", "pk", "name_ar", "name_en")
            for kind, model in models.items()
        ]
        rows: dict[str, dict[int, BilingualName]] = {kind: {} for kind in models}
        for kind, pk, name_ar, name_en in parts[0].union(*parts[1:], all=True):
            rows[kind][pk] = models[kind](pk=pk, name_ar=name_ar, name_en=name_en)
        self._rows, self._loaded_at = rows, time.monotonic()
        return rows

    def get(self, kind: str, pk: int) -> BilingualName | None:
        rows = self._rows
        if rows is None or time.monotonic() - self._loaded_at > self.TTL:
            rows = self._load()
        found = rows[kind].get(pk)
        if found is None:
            found = self._load()[kind].get(pk)
        return found

    def attach(self, application: VisaApplication) -> None:
        """Put the names on the application as if select_related had fetched them."""
        for kind in CATALOGUE_FIELDS:
            pk = getattr(application, f"{kind}_id")
            found = self.get(kind, pk) if pk is not None else None
            field = VisaApplication._meta.get_field(kind)
            if found is not None and isinstance(field, ForeignKey):
                field.set_cached_value(application, found)
            # else: not there at all; reading the field queries the database as usual.


CATALOGUES = CatalogueNames()
for _model in (Occupation, Nationality, ArrivalPoint):
    post_save.connect(
        CATALOGUES.clear, sender=_model, dispatch_uid=f"inquiry-names-{_model.__name__}"
    )
    post_delete.connect(
        CATALOGUES.clear, sender=_model, dispatch_uid=f"inquiry-names-del-{_model.__name__}"
    )


def visa_by_issued_number(*, issued_number: str, national_id: str) -> VisaApplication | None:
    """The visa with this issued number *and* this sponsor ID (as typed: any digits), or
    None — "no such visa" and "the numbers do not match" alike. One query, the card's
    columns only (``services.visa_inquiry_public`` audits it and draws the card)."""
    issued_number, national_id = normalize_digits(issued_number), normalize_digits(national_id)
    if not (_DIGITS.fullmatch(issued_number) and _DIGITS.fullmatch(national_id)):
        return None
    # The issued number is unique: no ORDER BY (``first()`` would add one, and compiling
    # it costs more than the rest of the query).
    found = (
        VisaApplication.objects.filter(issued_number=issued_number, owner__national_id=national_id)
        .select_related("owner")
        .only(*CARD_FIELDS)
        .order_by()[:1]
    )
    return next(iter(found), None)


def card_of(application: VisaApplication) -> VisaCard:
    """The inquiry card of a visa found by ``visa_by_issued_number``."""
    CATALOGUES.attach(application)
    return visa_card(application)


def account_inquiry(*, actor: User, query: str) -> list[VisaApplication]:
    """The actor's own visas and requests: all of them for the actor's own ID number, else
    the ones whose request, visa or issued number it is. Another person's numbers find
    nothing (the owner is part of every query)."""
    query = normalize_digits(query.strip())
    if not _DIGITS.fullmatch(query):
        return []
    if query == actor.national_id:
        rows = applications_for(actor=actor)
    else:
        rows = applications_numbered_for(actor=actor, number=query)
    found = list(rows)
    for application in found:
        application.owner = actor  # the card's masked name: no query per row
    return found
