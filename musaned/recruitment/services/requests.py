"""Making a recruitment request, and what becomes of it before an offer is chosen: the
visa's decision, the beneficiary's cancellation, an office's refusal (docs/recruitment.md).

Eligibility is the visa rules' (``musaned/visas/rules.py``): an issued, unused visa for the
same occupation, nationality and gender is used (the offices answer within 2 working
days); otherwise the rules are asked about a visa for the request, a visa application is
made from it (a draft the beneficiary completes, pays and gets decided in the visa pages),
and the request waits for it (7 working days once sent). A rejected visa rejects the
request with the reasons. People with a registered disability exemption keep their own
visa path: the journey refuses them with a message that says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from musaned.accounts.models import User
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.numbering import unique_number
from musaned.core.workflow import transition
from musaned.offices.models import Office
from musaned.recruitment import selectors
from musaned.recruitment.errors import RecruitmentErrorCode as Code
from musaned.recruitment.errors import recruitment_error
from musaned.recruitment.models import (
    MAX_OFFICES,
    REQUEST_NUMBER_LENGTH,
    Language,
    RecruitmentRequest,
    Religion,
    RequestOffice,
    RequestState,
)
from musaned.recruitment.workflow.request import Action, OfficeAction
from musaned.visas import rules
from musaned.visas.models import Nationality, Occupation, VisaApplication, VisaState
from musaned.visas.services import visa_application_create, visa_application_update
from musaned.visas.uses import Reasons

MIN_AGE, MAX_AGE = 21, 60


def _check_wishes(
    *,
    occupation: Occupation,
    worker_gender: str,
    min_age: int | None,
    max_age: int | None,
    languages: Sequence[str],
    religion: str,
) -> None:
    if worker_gender not in occupation.genders:
        raise recruitment_error(Code.GENDER_NOT_OPEN, field="worker_gender")
    for age in (min_age, max_age):
        if age is not None and not MIN_AGE <= age <= MAX_AGE:
            raise recruitment_error(Code.AGE_RANGE, field="min_age")
    if min_age is not None and max_age is not None and min_age > max_age:
        raise recruitment_error(Code.AGE_RANGE, field="min_age")
    if any(code not in Language.values for code in languages):
        raise recruitment_error(Code.CHOICE_UNKNOWN, field="languages")
    if religion and religion not in Religion.values:
        raise recruitment_error(Code.CHOICE_UNKNOWN, field="religion")


def _check_offices(
    offices: Sequence[Office], *, nationality: Nationality, occupation: Occupation
) -> list[Office]:
    chosen = list(dict.fromkeys(offices))
    if not 1 <= len(chosen) <= MAX_OFFICES or len(chosen) != len(offices):
        raise recruitment_error(Code.OFFICE_COUNT, field="offices", max=MAX_OFFICES)
    open_ = set(
        selectors.offices_recruiting(nationality=nationality, occupation=occupation).values_list(
            "pk", flat=True
        )
    )
    for office in chosen:
        if office.pk not in open_:
            raise recruitment_error(Code.OFFICE_NOT_AVAILABLE, field="offices", office=office.name)
    return chosen


def _refuse_ineligible(*, actor: User, probe: VisaApplication) -> None:
    """The rules on a visa for this request: one that fails refuses it now, before any
    draft or fee; what is still to give (salary, documents) is asked in the visa."""
    facts = rules.gather(user=actor, application=probe)
    if facts.person is not None and facts.person.disability_exemption:
        raise recruitment_error(Code.DISABILITY_PATH)
    failed = [v for v in rules.verdicts_of(facts) if v.status == rules.Status.FAIL]
    if failed:
        reasons = " ".join(f"{v.message} {v.advice}".strip() for v in failed)
        raise recruitment_error(Code.NOT_ELIGIBLE, reasons=reasons)


def request_make(
    *,
    actor: User,
    occupation: Occupation,
    nationality: Nationality,
    worker_gender: str,
    offices: Sequence[Office],
    min_age: int | None = None,
    max_age: int | None = None,
    min_experience_years: int | None = None,
    languages: Iterable[str] = (),
    religion: str = "",
) -> RecruitmentRequest:
    """The beneficiary asks up to three offices for a worker. With an issued, unused visa
    that fits, the request is sent at once; otherwise a visa application is made from it
    and the request waits for its decision (``awaiting_visa``).

    Raises ``RecruitmentError``: ``no_terms``, ``disability_path`` (a registered
    disability exemption), ``not_eligible`` (a visa rule fails: the reasons),
    ``gender_not_open``, ``age_range``, ``choice_unknown``, ``office_count``,
    ``office_not_available``; the visa app's caps (``VisaLimitReached``) when a new visa
    is needed. The person's row is locked first, so two requests of one person never
    take the same visa. Audit: ``recruitment_request.created`` (then the ``send`` row's)."""
    languages = list(dict.fromkeys(languages))
    _check_wishes(
        occupation=occupation,
        worker_gender=worker_gender,
        min_age=min_age,
        max_age=max_age,
        languages=languages,
        religion=religion,
    )
    chosen = _check_offices(offices, nationality=nationality, occupation=occupation)
    terms = selectors.terms_in_force()
    with transaction.atomic():
        locks.lock_all([locks.person_row(actor.pk)])
        probe = VisaApplication(
            owner=actor, occupation=occupation, nationality=nationality, worker_gender=worker_gender
        )
        visa = selectors.usable_visa(
            owner=actor, occupation=occupation, nationality=nationality, worker_gender=worker_gender
        )
        if visa is None:
            _refuse_ineligible(actor=actor, probe=probe)
            visa = visa_application_create(owner=actor)
            visa = visa_application_update(
                application=visa,
                actor=actor,
                occupation=occupation,
                nationality=nationality,
                worker_gender=worker_gender,
            )
        else:
            person = rules.gather(user=actor).person
            if person is not None and person.disability_exemption:
                raise recruitment_error(Code.DISABILITY_PATH)
        request = RecruitmentRequest.objects.create(
            number=unique_number(
                REQUEST_NUMBER_LENGTH,
                lambda n: RecruitmentRequest.objects.filter(number=n).exists(),
            ),
            owner=actor,
            occupation=occupation,
            nationality=nationality,
            worker_gender=worker_gender,
            min_age=min_age,
            max_age=max_age,
            min_experience_years=min_experience_years,
            languages=languages,
            religion=religion,
            visa=visa,
            visa_is_new=visa.state != VisaState.ISSUED,
            terms=terms,
            state=RequestState.AWAITING_VISA,
        )
        RequestOffice.objects.bulk_create(
            RequestOffice(request=request, office=office) for office in chosen
        )
        audit(
            "recruitment_request.created",
            actor=actor,
            target=request,
            number=request.number,
            visa=visa.reference,
            new_visa=request.visa_is_new,
            offices=[office.pk for office in chosen],
        )
        if not request.visa_is_new:
            request = transition(obj=request, action=Action.SEND, actor=None)
    return request


def request_visa_decided(application: VisaApplication, reasons: Reasons) -> None:
    """The visas app's word on a visa (``visas/uses.py``), inside its transaction: the
    requests waiting for it are sent (issued), rejected with the reasons (rejected), or
    cancelled (the draft discarded)."""
    action = {
        VisaState.ISSUED: Action.SEND,
        VisaState.REJECTED: Action.REJECT,
        VisaState.WITHDRAWN: Action.CANCEL,
    }.get(VisaState(application.state))
    if action is None:
        return
    waiting = RecruitmentRequest.objects.filter(
        visa_id=application.pk, state=RequestState.AWAITING_VISA
    )
    for request in waiting.order_by("pk"):
        transition(obj=request, action=action, actor=None, reasons=reasons)


def request_cancel(*, request: RecruitmentRequest, actor: User) -> RecruitmentRequest:
    """The beneficiary withdraws a request before choosing an offer: offers waiting are
    withdrawn, the offices that had not answered closed (the visa is free again; a visa
    made for the request stays theirs to use or cancel). 409 once an offer is accepted."""
    return transition(obj=request, action=Action.CANCEL, actor=actor)


def request_office_decline(*, received: RequestOffice, actor: User, reason: str) -> RequestOffice:
    """The office says it cannot supply such a worker (``reason`` required), within its
    window; the beneficiary is told. The request stays with the other offices."""
    with transaction.atomic():
        locks.lock_pk(RecruitmentRequest, received.request_id)
        return transition(obj=received, action=OfficeAction.DECLINE, actor=actor, reason=reason)
