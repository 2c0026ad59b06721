"""How the recruitment tests reach each point of the journey, through the real services
(so every row's audit, lock and invariant runs): an office with its price list, a request
sent to it, an offer with a CV and a photo, an accepted offer's contract, signed, paid (by
the provider's signed callback) and moved through its stages."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from musaned.accounts.models import CodePurpose, OneTimeCode
from musaned.core.tests.documents import pdf_upload, png_bytes
from musaned.notifications import sms
from musaned.offices import services as office_services
from musaned.offices.models import City, Office
from musaned.offices.selectors import invitations_for
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.recruitment.models import Contract, ContractState, Offer, RecruitmentRequest
from musaned.recruitment.services import contracts, offers, requests
from musaned.recruitment.workflow.contract import Action
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaState
from musaned.visas.tests.factories import submitted

_numbers = itertools.count(1)
_passports = itertools.count(1000)


def register_office(
    licensing,
    *,
    manager,
    employees=(),
    name="Al Noor Recruitment",
    nationalities=("PHL",),
    occupations=("housemaid",),
    price="12000",
    days=60,
) -> Office:
    """An active office (its manager and employees accepted their invitations) with a
    price for each nationality and occupation it recruits."""
    n = next(_numbers)
    office = office_services.office_register(
        actor=licensing,
        name_ar=f"مكتب {n}",
        name_en=f"{name} {n}",
        licence_number=f"R-{n:05d}",
        licence_expires_on=timezone.localdate() + dt.timedelta(days=800),
        cr_number=f"{2010000000 + n}",
        city=City.objects.get(code="riyadh"),
        address=f"{n} Olaya Street",
        phone="+966112345678",
        email=f"recruit{n}@example.com",
        nationalities=Nationality.objects.filter(code__in=nationalities),
        occupations=Occupation.objects.filter(code__in=occupations),
        bank_guarantee=Decimal("100000"),
        manager_national_id=manager.national_id,
    )
    office_services.invitation_accept(
        actor=manager, invitation=invitations_for(actor=manager).get(office=office)
    )
    for person in employees:
        invitation = office_services.office_invite_employee(
            actor=manager, office=office, national_id=person.national_id, mobile=person.mobile
        )
        office_services.invitation_accept(actor=person, invitation=invitation)
    for nationality in nationalities:
        for occupation in occupations:
            office_services.office_price_set(
                actor=manager,
                office=office,
                nationality=Nationality.objects.get(code=nationality),
                occupation=Occupation.objects.get(code=occupation),
                amount=Decimal(price),
                days_to_arrival=days,
            )
    return Office.objects.get(pk=office.pk)


def held_visa(beneficiary):
    """An issued visa for a female housemaid from the Philippines, its fee paid by the
    provider's callback (each bill its own event id)."""
    visa = submitted(beneficiary)
    if visa.state == VisaState.AWAITING_PAYMENT:
        bill = bill_for(visa)
        pay(bill, event_id=f"EVT-{bill.number}")
        visa.refresh_from_db()
    assert visa.state == VisaState.ISSUED, visa.state
    return visa


def wish(**overrides) -> dict:
    """What a beneficiary asks for: a female housemaid from the Philippines."""
    return {
        "occupation": Occupation.objects.get(code="housemaid"),
        "nationality": Nationality.objects.get(code="PHL"),
        "worker_gender": "F",
        **overrides,
    }


def sent_request(beneficiary, offices, *, visa=True, **overrides) -> RecruitmentRequest:
    """A request sent to ``offices``; with ``visa`` the beneficiary holds an issued visa
    that fits first (the offices answer within 2 working days)."""
    if visa:
        held_visa(beneficiary)
    return requests.request_make(actor=beneficiary, offices=list(offices), **wish(**overrides))


def photo(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def cv(**overrides) -> dict:
    """A worker's CV and the office's terms for her."""
    return {
        "full_name": "Maria Santos Reyes",
        "passport_number": f"P{next(_passports):07d}",
        "nationality": Nationality.objects.get(code="PHL"),
        "date_of_birth": dt.date(1994, 5, 17),
        "religion": "christian",
        "marital_status": "single",
        "languages": ["fil", "en"],
        "experience_years": 4,
        "experience_kind": "Housemaid in Riyadh, 2019–2023",
        "skills": "Cooking, childcare",
        "photo": photo(),
        "monthly_salary": Decimal("1500"),
        "price": Decimal("11500"),
        "days_to_arrival": 45,
        **overrides,
    }


def received_by(request: RecruitmentRequest, office: Office):
    return request.recipients.get(office=office)


def offer_from(person, request: RecruitmentRequest, office: Office, **overrides) -> Offer:
    return offers.offer_make(actor=person, received=received_by(request, office), **cv(**overrides))


def accepted(beneficiary, manager, office, *, others=(), **request_overrides) -> Contract:
    """A request sent to ``office``, an offer from its manager, accepted: the contract."""
    request = sent_request(beneficiary, [office, *others], **request_overrides)
    offer = offer_from(manager, request, office)
    return offers.offer_accept(offer=offer, actor=beneficiary)


def signature_code(beneficiary, contract: Contract, attempt: str = "attempt-1") -> str:
    """Send the signing code and read it from the SMS."""
    import re

    with TestCase.captureOnCommitCallbacks(execute=True):  # the SMS goes after commit
        contracts.contract_signature_code_send(
            contract=contract, actor=beneficiary, attempt=attempt
        )
    body = next(m.body for m in reversed(sms.outbox) if m.to == beneficiary.mobile)
    return re.search(r"\b([0-9]{6})\b", body).group(1)


def signed(beneficiary, manager, contract: Contract) -> Contract:
    contract = contracts.contract_sign_as_office(contract=contract, actor=manager)
    code = signature_code(beneficiary, contract)
    return contracts.contract_sign_as_beneficiary(
        contract=contract, actor=beneficiary, attempt="attempt-1", code=code
    )


def paid(contract: Contract, *, paid_at: dt.datetime | None = None) -> Contract:
    bill = bill_for(contract)
    pay(bill, event_id=f"EVT-{bill.number}", paid_at=paid_at)
    return Contract.objects.get(pk=contract.pk)


def paid_contract(beneficiary, manager, office, **kwargs) -> Contract:
    return paid(signed(beneficiary, manager, accepted(beneficiary, manager, office)), **kwargs)


def stage_evidence(contract: Contract, action: str) -> dict:
    """What each stage asks for."""
    return {
        Action.LINK_VISA: {"number": contract.visa.visa_number},
        Action.TRAVEL_DOCUMENTS: {"document": pdf_upload("visa-stamp.pdf")},
        Action.MEDICAL: {"number": "WAF-2026-551204"},
        Action.BOOK_TICKET: {
            "flight_number": "sv 871",
            "flight_date": timezone.localdate() + dt.timedelta(days=3),
        },
        Action.ARRIVE: {
            "arrival_date": timezone.localdate(),
            "arrival_point": ArrivalPoint.objects.get(code="RUH"),
        },
    }.get(action, {})


def moved_to(contract: Contract, person, state: str) -> Contract:
    """The office records the stages, in the table's order, from where the contract is up
    to ``state``."""
    from musaned.recruitment.workflow.contract import STAGE_ROWS

    for row in STAGE_ROWS:
        if contract.state == state:
            break
        if row.source != contract.state:
            continue
        contract = contracts.contract_stage_record(
            contract=contract,
            actor=person,
            action=row.action,
            **stage_evidence(contract, row.action),
        )
    assert contract.state == state, contract.state
    return contract


def arrived(contract: Contract, person) -> Contract:
    return moved_to(contract, person, ContractState.ARRIVED)


def codes_of(user) -> int:
    return OneTimeCode.objects.filter(user=user, purpose=CodePurpose.SIGNATURE).count()
