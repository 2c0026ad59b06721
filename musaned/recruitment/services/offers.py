"""The offices' offers and the beneficiary's choice (docs/recruitment.md, "Offers").

An office answers a request it received, within its window, with one or more offers: a
worker's CV with a photo (checked like every upload), the monthly salary, the price
before VAT (its listed price or lower, never above the ceiling in force) and the days it
expects to arrival. The beneficiary compares them and accepts one, which withdraws the
others, reserves the worker and makes the contract; or declines them all with a reason.

Locks (``core/locks.py``): the request, then the office's row, then the offers. The same
worker (passport number and nationality) is in at most one accepted offer: checked first,
and held by a partial unique constraint, so two beneficiaries accepting offers for one
worker at the same moment get one contract between them (``worker_taken`` for the other).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from musaned.accounts.models import User
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.digits import normalize_digits
from musaned.core.uploads import UploadRefused, check_upload
from musaned.core.workflow import transition
from musaned.offices.ceilings import amount_text, ceiling_for
from musaned.offices.workflow import Dual, is_member
from musaned.recruitment import selectors
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import (
    Contract,
    Language,
    MaritalStatus,
    Offer,
    OfferState,
    RecruitmentRequest,
    Religion,
    RequestOffice,
    RequestOfficeState,
)
from musaned.recruitment.services.contracts import contract_create
from musaned.recruitment.workflow.offer import Action as OfferAction
from musaned.recruitment.workflow.request import TAKING_OFFERS, Action, OfficeAction
from musaned.visas.models import Nationality

PASSPORT = re.compile(r"[A-Z0-9]{5,20}")
MIN_AGE, MAX_AGE = 21, 60
MAX_DAYS = 365
IMAGE_TYPES = ("image/jpeg", "image/png")


def normalize_passport(value: str) -> str:
    return re.sub(r"[\s-]", "", normalize_digits(value or "")).upper()


def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _amount(value: Any, code: Code, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise recruitment_error(code, field=field) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise recruitment_error(code, field=field)
    return amount


def _check_cv(
    *,
    full_name: str,
    passport_number: str,
    date_of_birth: dt.date | None,
    religion: str,
    marital_status: str,
    languages: list[str],
    experience_years: int | None,
) -> None:
    for field, value in (("full_name", full_name), ("date_of_birth", date_of_birth)):
        if not value:
            raise recruitment_error(Code.OFFER_INCOMPLETE, field=field)
    if not PASSPORT.fullmatch(passport_number):
        raise recruitment_error(Code.PASSPORT_INVALID, field="passport_number")
    if date_of_birth is None:
        raise recruitment_error(Code.OFFER_INCOMPLETE, field="date_of_birth")
    if not MIN_AGE <= _age(date_of_birth, timezone.localdate()) <= MAX_AGE:
        raise recruitment_error(Code.WORKER_AGE, field="date_of_birth")
    if religion not in Religion.values:
        raise recruitment_error(Code.CHOICE_UNKNOWN, field="religion")
    if marital_status not in MaritalStatus.values:
        raise recruitment_error(Code.CHOICE_UNKNOWN, field="marital_status")
    if not languages or any(code not in Language.values for code in languages):
        raise recruitment_error(Code.CHOICE_UNKNOWN, field="languages")
    if (
        not isinstance(experience_years, int)
        or isinstance(experience_years, bool)
        or not 0 <= experience_years <= 40
    ):
        raise recruitment_error(Code.OFFER_INCOMPLETE, field="experience_years")


def offer_make(
    *,
    actor: User,
    received: RequestOffice,
    full_name: str,
    passport_number: str,
    nationality: Nationality,
    date_of_birth: dt.date | None,
    religion: str,
    marital_status: str,
    languages: Iterable[str],
    experience_years: int | None,
    photo: Any,
    monthly_salary: Any,
    price: Any,
    days_to_arrival: Any,
    experience_kind: str = "",
    skills: str = "",
) -> Offer:
    """The office (any of its people) offers a worker on a request it received.

    Raises ``RecruitmentError``: ``not_found`` (not the actor's office), ``request_closed``
    (the beneficiary chose, or the request ended), ``window_closed`` (the office's window
    passed, or it declined), ``offer_incomplete``, ``passport_invalid``, ``worker_age``,
    ``choice_unknown``, ``worker_nationality``, ``salary_not_positive``,
    ``price_not_positive``, ``price_above_list``, ``price_above_ceiling``, ``days_range``,
    ``worker_already_offered``, ``worker_taken`` (each naming its field); the photo's
    ``UploadRefused`` (a JPEG or PNG, checked by content). Nothing is kept on a refusal.
    Audit: ``recruitment_offer.made``; the rows' ``answer`` (the office's first offer) and
    ``receive_offer`` (the beneficiary is told by SMS)."""
    full_name = " ".join((full_name or "").split())[:150]
    passport_number = normalize_passport(passport_number)
    languages = list(dict.fromkeys(languages))
    _check_cv(
        full_name=full_name,
        passport_number=passport_number,
        date_of_birth=date_of_birth,
        religion=religion,
        marital_status=marital_status,
        languages=languages,
        experience_years=experience_years,
    )
    assert date_of_birth is not None and experience_years is not None  # checked above
    salary = _amount(monthly_salary, Code.SALARY_NOT_POSITIVE, "monthly_salary")
    amount = _amount(price, Code.PRICE_NOT_POSITIVE, "price")
    if (
        not isinstance(days_to_arrival, int)
        or isinstance(days_to_arrival, bool)
        or not 1 <= days_to_arrival <= MAX_DAYS
    ):
        raise recruitment_error(Code.DAYS_RANGE, field="days_to_arrival")
    if not photo:
        raise recruitment_error(Code.OFFER_INCOMPLETE, field="photo")
    checked = check_upload(photo)
    if checked.sniffed_type not in IMAGE_TYPES:
        raise UploadRefused("type", _photo_message())
    written: list[str] = []
    try:
        with transaction.atomic():
            request = locks.lock_pk(RecruitmentRequest, received.request_id)
            received = locks.lock_pk(RequestOffice, received.pk)
            if not is_member(received.office, actor):
                raise recruitment_error(Code.NOT_FOUND)
            if request.state not in TAKING_OFFERS:
                raise recruitment_error(Code.REQUEST_CLOSED)
            if received.state not in (RequestOfficeState.WAITING, RequestOfficeState.ANSWERED) or (
                received.due_at is None or timezone.now() >= received.due_at
            ):
                raise recruitment_error(Code.WINDOW_CLOSED)
            _check_price(request=request, received=received, amount=amount)
            if nationality.pk != request.nationality_id:
                raise recruitment_error(
                    Code.WORKER_NATIONALITY, field="nationality", nationality=request.nationality
                )
            worker = Offer.objects.filter(passport_number=passport_number, nationality=nationality)
            if worker.filter(state=OfferState.ACCEPTED).exists():
                raise recruitment_error(Code.WORKER_TAKEN, field="passport_number")
            if worker.filter(request=request).exists():
                raise recruitment_error(Code.WORKER_ALREADY_OFFERED, field="passport_number")
            offer = Offer.objects.create(
                request=request,
                office=received.office,
                beneficiary=request.owner,
                made_by=actor,
                full_name=full_name,
                passport_number=passport_number,
                nationality=nationality,
                date_of_birth=date_of_birth,
                religion=religion,
                marital_status=marital_status,
                languages=languages,
                experience_years=experience_years,
                experience_kind=" ".join((experience_kind or "").split())[:300],
                skills=" ".join((skills or "").split())[:500],
                photo=checked,
                photo_type=checked.sniffed_type,
                monthly_salary=salary,
                price=amount,
                days_to_arrival=days_to_arrival,
            )
            written.append(offer.photo.name)
            audit(
                "recruitment_offer.made",
                actor=actor,
                target=offer,
                request=request.number,
                office=received.office_id,
                price=str(amount),
                monthly_salary=str(salary),
            )
            if received.state == RequestOfficeState.WAITING:
                transition(obj=received, action=OfficeAction.ANSWER, actor=actor)
            transition(obj=request, action=Action.RECEIVE_OFFER, actor=actor, offer=offer)
    except BaseException:
        storage = Offer.photo.field.storage
        for name in written:
            storage.delete(name)
        raise
    return offer


def _photo_message() -> str:
    from django.utils.translation import gettext

    return gettext("The photo is a JPG or PNG picture.")


def _check_price(*, request: RecruitmentRequest, received: RequestOffice, amount: Decimal) -> None:
    listed = selectors.listed_price(
        office=received.office,
        nationality_id=request.nationality_id,
        occupation_id=request.occupation_id,
    )
    if listed is None:  # the office stopped offering this (or a ceiling suspended its price)
        raise recruitment_error(
            Code.OFFICE_NOT_AVAILABLE, field="price", office=received.office.name
        )
    if amount > listed.amount:
        raise recruitment_error(
            Code.PRICE_ABOVE_LIST, field="price", price=amount_text(listed.amount)
        )
    ceiling = ceiling_for(
        nationality_id=request.nationality_id, occupation_id=request.occupation_id
    )
    if ceiling is not None and amount > ceiling.amount:
        raise recruitment_error(
            Code.PRICE_ABOVE_CEILING,
            field="price",
            ceiling=amount_text(ceiling.amount),
            date=Dual(ceiling.effective_from),
        )


def offer_retract(*, offer: Offer, actor: User) -> Offer:
    """The office takes an offer back before the beneficiary chooses (the worker is no
    longer available); the beneficiary is told."""
    return transition(obj=offer, action=OfferAction.RETRACT, actor=actor)


def offer_accept(*, offer: Offer, actor: User) -> Contract:
    """The beneficiary accepts ``offer``: the request is accepted, the offer too (the worker
    reserved), the other offers are withdrawn, the offices that had not answered closed,
    and the contract is made with the terms in force. Returns the contract.

    Raises ``InvalidTransition`` (409) when the request no longer waits for a choice (a
    second copy of the same accept: one contract), ``RecruitmentError`` ``not_found``
    (not the actor's offer) and ``worker_taken`` (409: the worker was reserved in another
    accepted offer a moment ago). Nothing is kept on a refusal."""
    try:
        with transaction.atomic():
            locks.lock_pk(RecruitmentRequest, offer.request_id)
            offer = locks.lock_pk(Offer, offer.pk)
            if offer.beneficiary_id != actor.pk:
                raise recruitment_error(Code.NOT_FOUND)
            taken = Offer.objects.filter(
                passport_number=offer.passport_number,
                nationality_id=offer.nationality_id,
                state=OfferState.ACCEPTED,
            ).exclude(pk=offer.pk)
            if taken.exists():
                raise recruitment_error(Code.WORKER_TAKEN)
            request = transition(
                obj=RecruitmentRequest(pk=offer.request_id),
                action=Action.ACCEPT,
                actor=actor,
                offer=offer,
            )
            return contract_create(
                request=request, offer=Offer.objects.get(pk=offer.pk), actor=actor
            )
    except IntegrityError:
        # Another transaction reserved the worker first (the partial unique constraint).
        raise recruitment_error(Code.WORKER_TAKEN) from None


def offers_decline(*, request: RecruitmentRequest, actor: User, reason: str) -> RecruitmentRequest:
    """The beneficiary declines every offer, with a reason the offices read."""
    return transition(obj=request, action=Action.DECLINE, actor=actor, reason=reason)
