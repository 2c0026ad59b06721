"""The demo platform's one write: the demo people, a ready beneficiary account, a staff
user and one account per staff role, the recruitment offices with their people, prices
and the ministry's decisions, the complaints about them, and the recruitment journeys
(``manage.py seed_demo``). Safe to run again: what exists is kept as it is."""

import datetime as dt
import importlib
import io
import json
import time
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from musaned.accounts.models import CodePurpose, User
from musaned.accounts.services.codes import code_issue
from musaned.complaints.models import Complaint
from musaned.complaints.services import complaint_submit
from musaned.core.audit import audit
from musaned.core.workflow import transition
from musaned.demo.offices import DEMO_COMPLAINTS, DEMO_OFFICES, MESSAGES
from musaned.demo.recruitment import ARRIVAL_POINT, BANK_BALANCE, CVS, EVIDENCE, JOURNEYS
from musaned.identity.demo import (
    DEMO_ACCOUNT,
    DEMO_COMPLAINANTS,
    DEMO_OFFICE_MANAGERS,
    DEMO_OFFICE_USERS,
    DEMO_RECRUITMENT_ACCOUNT,
    DEMO_ROLES,
    DEMO_STAFF,
    registry_rows,
)
from musaned.identity.models import RegistryPerson
from musaned.identity.services import registry_person_save
from musaned.offices import services as offices
from musaned.offices.models import City, Office, OfficeMembership, OfficeRole
from musaned.offices.selectors import invitations_for
from musaned.payments.gateway import LocalSadadGateway, get_gateway
from musaned.payments.models import Bill
from musaned.payments.selectors import bill_for
from musaned.payments.services import bill_payment_callback
from musaned.payments.signatures import sign
from musaned.payments.simulator import payment_event_id
from musaned.recruitment.models import Contract, RecruitmentRequest
from musaned.recruitment.services import contracts as recruitment_contracts
from musaned.recruitment.services import offers as recruitment_offers
from musaned.recruitment.services import requests as recruitment_requests
from musaned.recruitment.services.clocks import recruitment_clocks_run
from musaned.visas import services as visas
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaApplication, VisaState

# The data migrations whose rows the demo needs (a flushed test database lost them).
REFERENCE_DATA = (
    "musaned.visas.migrations.0002_catalogues",
    "musaned.complaints.migrations.0002_service_level",
    "musaned.complaints.migrations.0003_staff_roles",
    "musaned.offices.migrations.0002_catalogues",
    "musaned.offices.migrations.0003_staff_roles",
    "musaned.recruitment.migrations.0002_terms",
    "musaned.backoffice.migrations.0001_recruitment_roles",
)


def _account(password: str | None, *, key: dict[str, str], **defaults: object) -> tuple[User, bool]:
    """The account ``key`` names, made with ``defaults`` and ``password`` (``None``: an
    account nobody signs in to) if it is new."""
    user, created = User.objects.get_or_create(**key, defaults=defaults)
    if created:
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
    return user, created


def _beneficiary(national_id: str, username: str, password: str | None) -> User:
    """The open, activated account of the demo registry person ``national_id``; a new one
    is audited as registered (``seeded``)."""
    person = RegistryPerson.objects.get(national_id=national_id)
    account, created = _account(
        password,
        key={"national_id": person.national_id},
        username=username,
        id_type=person.id_type,
        first_name=person.first_name_ar,
        last_name=person.family_name_ar,
        birth_date=person.birth_date,
        email=f"{username}@example.com",
        mobile=person.mobile,
        activated_at=timezone.now(),
        privacy_notice_version="demo",
        privacy_consent_at=timezone.now(),
    )
    if created:
        audit("account.registered", actor=account, target=account, seeded=True)
    return account


def demo_seed() -> User:
    """Load the demo data in one transaction (the platform acts: no actor). The
    catalogues, roles, ceilings and the service level come from data migrations; they
    are put back if a test (or an operator) flushed the database since. New accounts are
    audited as registered (``seeded``). The offices and the complaints about them go
    through their apps' services, the licensing officer acting (``demo_offices``,
    ``demo_office_complaints``); then the recruitment journeys (``demo_recruitment``).
    Returns the ready account."""
    with transaction.atomic():
        for migration in REFERENCE_DATA:
            importlib.import_module(migration).load(apps, None)
        for row in registry_rows():
            registry_person_save(fields=row)
        account = _beneficiary(
            DEMO_ACCOUNT["national_id"], DEMO_ACCOUNT["username"], DEMO_ACCOUNT["password"]
        )
        _account(
            DEMO_STAFF["password"],
            key={"username": DEMO_STAFF["username"]},
            first_name="Staff",
            last_name="Demo",
            email="staff@example.com",
            is_staff=True,
            is_superuser=True,
            mobile="+966500000099",
            activated_at=timezone.now(),
        )
        for number, role in enumerate(DEMO_ROLES, start=1):
            member, created = _account(
                role["password"],
                key={"username": role["username"]},
                first_name=role["username"].title(),
                last_name="Demo",
                email=f"{role['username']}@example.com",
                is_staff=True,
                mobile=f"+96650000009{number}",
                activated_at=timezone.now(),
            )
            if created:
                member.groups.add(Group.objects.get(name=role["role"]))
        for user in [*DEMO_OFFICE_USERS, DEMO_RECRUITMENT_ACCOUNT]:
            _beneficiary(user["national_id"], user["username"], user["password"])
        for national_id in [*DEMO_OFFICE_MANAGERS, *DEMO_COMPLAINANTS]:
            _beneficiary(national_id, f"demo{national_id}", None)
        listed = demo_offices(officer=_staff(role="licensing officer"))
        demo_office_complaints(offices=listed, officer=_staff(role="complaints officer"))
        demo_recruitment(offices=listed)
    return account


def _staff(*, role: str) -> User:
    """The demo staff account of ``role``, read fresh (no cached permissions)."""
    username = next(r["username"] for r in DEMO_ROLES if r["role"] == role)
    return User.objects.get(username=username)


def _accept(person: User, office: Office) -> None:
    invitation = invitations_for(actor=person).get(office=office)
    offices.invitation_accept(actor=person, invitation=invitation)


def demo_offices(*, officer: User) -> dict[str, Office]:
    """The demo's offices (``musaned/demo/offices.py``), each added once by the licensing
    officer ``officer``: registered with its manager named, who accepts; its prices set
    by the manager; the ministry's decisions recorded (penalty points and a warning on
    one, a suspension on another); and the demo office's employee invited by its manager
    and accepted. An office already in the register (by licence number) is left as it
    is. Returns the offices by their key."""
    today = timezone.localdate()
    found: dict[str, Office] = {}
    for spec in DEMO_OFFICES:
        office = Office.objects.filter(licence_number=spec["licence_number"]).first()
        if office is None:
            office = _office(spec, officer=officer, today=today)
        found[spec["key"]] = office
    first = found[DEMO_OFFICES[0]["key"]]
    employee_id = next(u["national_id"] for u in DEMO_OFFICE_USERS if u["role"] == "employee")
    employee = User.objects.get(national_id=employee_id)
    if not OfficeMembership.objects.filter(user=employee).exists():
        manager = User.objects.get(national_id=DEMO_OFFICES[0]["manager"])
        offices.office_invite_employee(
            actor=manager, office=first, national_id=employee_id, mobile=employee.mobile
        )
        _accept(employee, first)
    return {key: Office.objects.get(pk=office.pk) for key, office in found.items()}


def _office(spec: dict[str, Any], *, officer: User, today: dt.date) -> Office:
    manager = User.objects.get(national_id=spec["manager"])
    office = offices.office_register(
        actor=officer,
        name_ar=spec["name_ar"],
        name_en=spec["name_en"],
        licence_number=spec["licence_number"],
        licence_expires_on=today + dt.timedelta(days=spec["licence_days"]),
        cr_number=spec["cr_number"],
        city=City.objects.get(code=spec["city"]),
        address=spec["address"],
        phone=spec["phone"],
        email=spec["email"],
        nationalities=Nationality.objects.filter(code__in=spec["nationalities"]),
        occupations=Occupation.objects.filter(code__in=spec["occupations"]),
        bank_guarantee=Decimal(spec["bank_guarantee"]),
        manager_national_id=spec["manager"],
    )
    _accept(manager, office)
    for nationality, occupation, amount, days in spec["prices"]:
        offices.office_price_set(
            actor=manager,
            office=office,
            nationality=Nationality.objects.get(code=nationality),
            occupation=Occupation.objects.get(code=occupation),
            amount=Decimal(amount),
            days_to_arrival=days,
        )
    for action, takes, reason in spec.get("sanctions", ()):
        payload: dict[str, Any] = dict(takes)
        if "until_days" in payload:
            payload["until"] = today + dt.timedelta(days=payload.pop("until_days"))
        office = offices.office_act(
            office=office, action=action, actor=officer, reason=reason, **payload
        )
    return office


def demo_office_complaints(*, offices: dict[str, Office], officer: User) -> list[Complaint]:
    """The complaints about the demo's offices (``musaned/demo/offices.py``), once: filed
    by their owners through the complaints service, each naming its office (so it starts
    with the office: the amicable phase), then taken through the complaint workflow's
    steps: the office's manager answers, the owner accepts the answer or asks the
    ministry, the office's window ends, the complaints officer takes and resolves it.
    Nothing is filed when any complaint already names a demo office (the ready account's
    complaint is the first of them). Returns the complaints filed."""
    if Complaint.objects.filter(office__in=offices.values()).exists():
        return []
    filed = []
    for spec in DEMO_COMPLAINTS:
        office = offices[spec["office"]]
        owner = User.objects.get(national_id=spec["owner"])
        complaint = complaint_submit(
            owner=owner,
            category="office",
            office=office,
            subject=spec["subject"],
            description=spec["description"],
            contact_preference="sms",
        )
        manager = _manager(office)
        actors = {"office": manager, "owner": owner, "officer": officer, "system": None}
        for action, who in spec["steps"]:
            complaint = transition(
                obj=complaint,
                action=action,
                actor=actors[who],
                message=MESSAGES.get(action, ""),
            )
        filed.append(complaint)
    return filed


def _manager(office: Office) -> User:
    return User.objects.get(
        office_memberships__office=office,
        office_memberships__role=OfficeRole.MANAGER,
        office_memberships__ended_at__isnull=True,
    )


def _staff_of(office: Office) -> list[User]:
    """The office's people now, its manager first."""
    return list(
        User.objects.filter(
            office_memberships__office=office, office_memberships__ended_at__isnull=True
        ).order_by("-office_memberships__role", "pk")
    )


# --- The recruitment journeys (musaned/demo/recruitment.py) ----------------------------------


class DemoNeedsTheSimulator(RuntimeError):
    """The recruitment demo pays through the local payment simulator only."""


def demo_recruitment(*, offices: dict[str, Office]) -> list[Contract]:
    """The recruitment journeys of ``musaned/demo/recruitment.py``, once: for each, a visa
    issued through the visa services (its fee paid at the simulator), a request to the
    journey's offices, the offices' offers, and — for a contract — the offer accepted, the
    contract signed by the office's manager and by the beneficiary with a signing code,
    paid ``paid_days_ago`` days ago (the simulator's callback carries that time), and the
    office's stages recorded (the arrival dated ``arrived_days_ago`` days ago). Then the
    clocks command's work runs once (the late contract's extension starts; the completed
    one's trial starts and ends) and the completed contract is rated.

    Nothing is made when the recruitment account (``latifa``) has a request already. Raises
    ``DemoNeedsTheSimulator`` unless the payment gateway is the local simulator: the
    demo never reports a payment to a real provider's port. Returns the contracts."""
    ready = User.objects.get(national_id=DEMO_RECRUITMENT_ACCOUNT["national_id"])
    if RecruitmentRequest.objects.filter(owner=ready).exists():
        return []
    if not isinstance(get_gateway(), LocalSadadGateway):
        raise DemoNeedsTheSimulator(
            "The recruitment demo pays through the local payment simulator; "
            f"PAYMENT_GATEWAY_BACKEND is {settings.PAYMENT_GATEWAY_BACKEND}."
        )
    made: dict[str, tuple[User, Contract]] = {}
    for spec in JOURNEYS:
        owner = ready if spec["owner"] == "ready" else User.objects.get(national_id=spec["owner"])
        contract = _journey(spec, owner=owner, offices=offices)
        if contract is not None:
            made[spec["key"]] = (owner, contract)
    recruitment_clocks_run()
    for spec in JOURNEYS:
        if spec.get("rating") and spec["key"] in made:
            owner, contract = made[spec["key"]]
            recruitment_contracts.contract_rate(
                contract=Contract.objects.get(pk=contract.pk), actor=owner, rating=spec["rating"]
            )
    return [Contract.objects.get(pk=contract.pk) for _owner, contract in made.values()]


def _journey(spec: dict[str, Any], *, owner: User, offices: dict[str, Office]) -> Contract | None:
    occupation = Occupation.objects.get(code=spec["occupation"])
    nationality = Nationality.objects.get(code=spec["nationality"])
    _issued_visa(owner, occupation=occupation, nationality=nationality)
    request = recruitment_requests.request_make(
        actor=owner,
        occupation=occupation,
        nationality=nationality,
        worker_gender="F",
        offices=[offices[key] for key in spec["offices"]],
    )
    offers = {}
    for number, (office_key, cv_key) in enumerate(spec["offers"]):
        office = offices[office_key]
        people = _staff_of(office)
        offers[cv_key] = recruitment_offers.offer_make(
            actor=people[number % len(people)],  # the manager, then the employee
            received=request.recipients.get(office=office),
            nationality=nationality,
            photo=_photo(f"{cv_key}.png", number),
            **_cv(CVS[cv_key]),
        )
    if "accept" not in spec:
        return None
    contract = recruitment_offers.offer_accept(offer=offers[spec["accept"]], actor=owner)
    office = contract.office
    contract = recruitment_contracts.contract_sign_as_office(
        contract=contract, actor=_manager(office)
    )
    contract = _sign_as_beneficiary(contract, owner)
    _pay(bill_for(contract), paid_at=timezone.now() - dt.timedelta(days=spec["paid_days_ago"]))
    contract = Contract.objects.get(pk=contract.pk)
    people = _staff_of(office)
    for number, action in enumerate(spec.get("stages", ())):
        contract = recruitment_contracts.contract_stage_record(
            contract=contract,
            actor=people[number % len(people)],
            action=action,
            **_evidence(action, contract, spec),
        )
    return contract


def _cv(cv: dict[str, Any]) -> dict[str, Any]:
    year, month, day = cv["date_of_birth"]
    return {
        **cv,
        "date_of_birth": dt.date(year, month, day),
        "monthly_salary": Decimal(cv["monthly_salary"]),
        "price": Decimal(cv["price"]),
    }


def _arrival(contract: Contract, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "arrival_date": timezone.localdate() - dt.timedelta(days=spec["arrived_days_ago"]),
        "arrival_point": ArrivalPoint.objects.get(code=ARRIVAL_POINT),
    }


# The stages whose evidence is made on the day (a ticket's flight is today or later, the
# visa is the contract's own); the others show a number from ``EVIDENCE``.
EVIDENCE_OF_THE_DAY: dict[str, Any] = {
    "link_visa": lambda contract, spec: {"number": contract.visa.visa_number},
    "book_ticket": lambda contract, spec: {
        **EVIDENCE["book_ticket"],
        "flight_date": timezone.localdate(),
    },
    "arrive": _arrival,
}


def _evidence(action: str, contract: Contract, spec: dict[str, Any]) -> dict[str, Any]:
    """What the office shows for ``action``: the contract's visa number, a document's
    number, today's flight, or the arrival."""
    made = EVIDENCE_OF_THE_DAY.get(action)
    return made(contract, spec) if made else dict(EVIDENCE[action])


def _issued_visa(
    owner: User, *, occupation: Occupation, nationality: Nationality
) -> VisaApplication:
    """A visa for a female worker of ``occupation`` from ``nationality``, through the visa
    services: the application filled in (a bank balance and its statement), submitted, its
    fee paid at the simulator; the rules issue it."""
    application = visas.visa_application_create(owner=owner)
    application = visas.visa_application_update(
        application=application,
        actor=owner,
        occupation=occupation,
        nationality=nationality,
        worker_gender="F",
        arrival_point=ArrivalPoint.objects.get(code=ARRIVAL_POINT),
        proof_type="bank",
        bank_balance=Decimal(BANK_BALANCE),
        proof_document=_pdf("bank-statement.pdf"),
        proof_document_type="application/pdf",
        declaration=True,
    )
    application = visas.visa_application_submit(application=application, actor=owner)
    if application.state == VisaState.AWAITING_PAYMENT:
        bill = bill_for(application)
        assert bill is not None
        _pay(bill, paid_at=timezone.now())
        application = VisaApplication.objects.get(pk=application.pk)
    if application.state != VisaState.ISSUED:
        raise RuntimeError(f"The demo visa {application.reference} is {application.state}.")
    return application


def _pay(bill: Bill | None, *, paid_at: dt.datetime) -> None:
    """The simulator's callback for ``bill``, saying it was paid at ``paid_at``, signed with
    the platform's secret as the simulator signs it, told to the payment service."""
    assert bill is not None
    body = {
        "event_id": payment_event_id(bill),
        "bill_number": bill.number,
        "amount": str(bill.amount),
        "kind": "payment",
        "paid_at": paid_at.isoformat(),
    }
    raw_body = json.dumps(body, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    bill_payment_callback(
        raw_body=raw_body,
        timestamp=timestamp,
        signature=sign(settings.PAYMENT_WEBHOOK_SECRET, timestamp, raw_body),
    )


def _sign_as_beneficiary(contract: Contract, owner: User) -> Contract:
    """The beneficiary signs with a signing code, made by the accounts' code service for
    this seed (the demo reads it where the beneficiary's phone would: no SMS is sent)."""
    attempt = f"demo-seed-{contract.number}"
    received: list[str] = []

    def message(code: str) -> tuple[str, str]:
        received.append(code)
        return "", ""  # nobody to send it to

    def record(otc: object) -> None:
        audit("code.sent", actor=owner, target=owner, purpose=CodePurpose.SIGNATURE, seeded=True)

    code_issue(
        user=owner,
        mobile=owner.mobile,
        purpose=CodePurpose.SIGNATURE,
        attempt=attempt,
        message=message,
        record=record,
        reuse=False,
    )
    return recruitment_contracts.contract_sign_as_beneficiary(
        contract=contract, actor=owner, attempt=attempt, code=received[0]
    )


def _pdf(name: str) -> SimpleUploadedFile:
    """A one-page PDF (the demo's bank statement)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # A4 in points
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


# A worker's photo: a plain portrait silhouette on one of these backgrounds.
PHOTO_COLOURS = [(214, 234, 223), (222, 228, 240), (240, 230, 214), (232, 222, 238)]


def _photo(name: str, number: int) -> SimpleUploadedFile:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 300), PHOTO_COLOURS[number % len(PHOTO_COLOURS)])
    draw = ImageDraw.Draw(image)
    draw.ellipse((75, 55, 165, 155), fill=(120, 96, 80))
    draw.ellipse((30, 170, 210, 360), fill=(0, 108, 53))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")
