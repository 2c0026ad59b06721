"""``manage.py seed_demo``: the demo people and accounts, the recruitment offices with their
people, prices and decisions, the complaints about them, and the recruitment journeys,
once, however often it runs."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from musaned.accounts.models import User
from musaned.complaints.models import Complaint, ComplaintMessage
from musaned.core.models import AuditEvent
from musaned.demo.offices import DEMO_OFFICES
from musaned.identity.demo import (
    DEMO_ACCOUNT,
    DEMO_OFFICE_USERS,
    DEMO_PEOPLE,
    DEMO_RECRUITMENT_ACCOUNT,
    DEMO_ROLES,
    DEMO_STAFF,
    account_holders,
)
from musaned.identity.models import RegistryPerson
from musaned.offices.ceilings import ceiling_for
from musaned.offices.models import (
    InvitationState,
    Office,
    OfficeInvitation,
    OfficeMembership,
    OfficePrice,
    OfficeSanction,
    OfficeState,
    PriceState,
)
from musaned.offices.permissions import LICENSING, holds
from musaned.payments.models import Bill, PaymentEvent
from musaned.recruitment.models import (
    Contract,
    LedgerEntry,
    Offer,
    RecruitmentRequest,
    RequestOffice,
    Signature,
    StageEvidence,
)
from musaned.visas.models import VisaApplication

pytestmark = pytest.mark.django_db

SEEDED = (
    User,
    Office,
    OfficePrice,
    OfficeSanction,
    OfficeMembership,
    OfficeInvitation,
    Complaint,
    ComplaintMessage,
    AuditEvent,
    VisaApplication,
    Bill,
    PaymentEvent,
    RecruitmentRequest,
    RequestOffice,
    Offer,
    Contract,
    Signature,
    StageEvidence,
    LedgerEntry,
)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "Demo data ready" in out.getvalue()
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED}


def test_seeding_twice_gives_the_demo_data_once():
    seed()
    first = counts()
    seed()
    assert counts() == first
    assert RegistryPerson.objects.count() == len(DEMO_PEOPLE)
    ready = User.objects.get(username=DEMO_ACCOUNT["username"])
    assert ready.check_password(DEMO_ACCOUNT["password"]) and ready.is_activated
    assert ready.national_id == DEMO_ACCOUNT["national_id"]
    staff = User.objects.get(username=DEMO_STAFF["username"])
    assert staff.is_superuser and staff.check_password(DEMO_STAFF["password"])
    for role in DEMO_ROLES:
        member = User.objects.get(username=role["username"])
        assert list(member.groups.values_list("name", flat=True)) == [role["role"]]
    registered = AuditEvent.objects.filter(action="account.registered")
    assert sorted((e.actor.national_id, e.data["seeded"]) for e in registered) == sorted(
        (national_id, True) for national_id in account_holders()
    )
    assert ready.complaints.count() == 1
    assert AuditEvent.objects.filter(action="registry.imported").count() == 0


def test_the_demo_has_offices_in_six_cities_one_suspended_one_penalised():
    seed()
    offices = Office.objects.order_by("licence_number")
    assert offices.count() == len(DEMO_OFFICES) >= 5
    assert len({office.city_id for office in offices}) == offices.count()
    assert [o.licence_number for o in offices.filter(state=OfficeState.SUSPENDED)] == [
        "DEMO-DMM-0003"
    ]
    assert offices.filter(state=OfficeState.ACTIVE).count() == offices.count() - 1
    jeddah = offices.get(licence_number="DEMO-JED-0002")
    assert sorted(jeddah.sanctions.values_list("kind", "points")) == [
        ("penalty", 6),
        ("warning", 0),
    ]
    # Every office priced, every price offered and under the ceiling in force.
    for office in offices:
        assert office.prices.filter(state=PriceState.ACTIVE).count() == office.prices.count() > 0
    for price in OfficePrice.objects.all():
        ceiling = ceiling_for(
            nationality_id=price.nationality_id, occupation_id=price.occupation_id
        )
        assert ceiling is None or price.amount <= ceiling.amount
    # Each office has its manager, who accepted the licensing officer's invitation.
    assert not OfficeInvitation.objects.filter(state=InvitationState.PENDING).exists()
    for office in offices:
        assert office.memberships.filter(role="manager", ended_at__isnull=True).count() == 1
    assert set(
        AuditEvent.objects.filter(action="office.registered").values_list(
            "actor__username", flat=True
        )
    ) == {"licensing"}


def test_the_office_accounts_work_for_the_first_office_and_the_licensing_officer_licenses():
    seed()
    first = Office.objects.get(licence_number=DEMO_OFFICES[0]["licence_number"])
    for person in DEMO_OFFICE_USERS:
        user = User.objects.get(username=person["username"])
        assert user.check_password(person["password"]) and user.is_activated
        assert user.national_id == person["national_id"] and user.mobile
        membership = OfficeMembership.objects.get(user=user, ended_at__isnull=True)
        assert (membership.office, membership.role) == (first, person["role"])
    licensing = User.objects.get(username="licensing")
    assert all(holds(licensing, permission) for permission in LICENSING)
    # The people who carry the history cannot sign in.
    for national_id in (
        account_holders()
        - {DEMO_ACCOUNT["national_id"], DEMO_RECRUITMENT_ACCOUNT["national_id"]}
        - {person["national_id"] for person in DEMO_OFFICE_USERS}
    ):
        assert not User.objects.get(national_id=national_id).has_usable_password()


def test_the_seed_command_prints_the_office_accounts():
    out = seed()
    for person in DEMO_OFFICE_USERS:
        assert f"{person['username']} / {person['password']}" in out
    assert "/licensing/" in out and "licensing / Musaned-licensing-2026" in out
    for national_id in account_holders():
        assert f"  {national_id}  " not in out  # not offered for registration


def test_the_offices_have_a_complaint_history_their_scorecards_count():
    from musaned.complaints.selectors import complaints_for_office
    from musaned.demo.offices import DEMO_COMPLAINTS
    from musaned.offices import scorecard, selectors

    seed()
    complaints = Complaint.objects.filter(office__isnull=False)
    assert complaints.count() == len(DEMO_COMPLAINTS) == Complaint.objects.count()
    by_office = {}
    for complaint in complaints.select_related("office"):
        by_office.setdefault(complaint.office.licence_number, []).append(complaint.state)
    assert {number: sorted(states) for number, states in by_office.items()} == {
        "DEMO-RYD-0001": ["office_answered", "resolved", "resolved", "with_office"],
        "DEMO-JED-0002": ["in_review", "resolved", "resolved", "submitted"],
        "DEMO-DMM-0003": ["resolved", "submitted"],
        "DEMO-MED-0004": ["resolved", "with_office"],
        "DEMO-AHB-0005": ["resolved"],
    }
    # The ready account's complaint waits for the demo office: the walk-through starts there.
    ready = User.objects.get(username=DEMO_ACCOUNT["username"]).complaints.get()
    assert (ready.state, ready.office.licence_number) == ("with_office", "DEMO-RYD-0001")
    manager = User.objects.get(username="manager")
    assert ready in complaints_for_office(actor=manager)
    assert ComplaintMessage.objects.filter(kind="office_answer").count() == 8
    # The scorecards show the counts.
    period = scorecard.last_twelve_months()
    first = Office.objects.get(licence_number="DEMO-RYD-0001")
    figures = {
        f.key: f
        for f in scorecard.figures(selectors.public_office(uid=first.uid, period=period), period)
    }
    assert (figures["complaints-resolved"].value, figures["complaints-resolved"].count) == (50, 4)
    jeddah = Office.objects.get(licence_number="DEMO-JED-0002")
    figures = {
        f.key: f
        for f in scorecard.figures(selectors.public_office(uid=jeddah.uid, period=period), period)
    }
    assert figures["penalty-points"].value == 6 and figures["warnings"].value == 1


def test_the_recruitment_account_has_offers_waiting_a_contract_in_progress_and_a_late_one():
    from musaned.recruitment.models import ContractState, DeliveryClock, OfferState, RequestState
    from musaned.recruitment.selectors import contracts_for, statement_for

    out = seed()
    ready = User.objects.get(username=DEMO_RECRUITMENT_ACCOUNT["username"])
    assert ready.check_password(DEMO_RECRUITMENT_ACCOUNT["password"]) and ready.is_activated
    assert f"{ready.username} / {DEMO_RECRUITMENT_ACCOUNT['password']}" in out
    demo_office = Office.objects.get(licence_number=DEMO_OFFICES[0]["licence_number"])
    # Offers waiting: two from the demo office, one from Taibah, to compare.
    waiting = RecruitmentRequest.objects.get(owner=ready, state=RequestState.OFFERED)
    offers = waiting.offers.filter(state=OfferState.SENT)
    assert offers.count() == 3
    assert sorted(o.office.licence_number for o in offers) == [
        "DEMO-MED-0004",
        "DEMO-RYD-0001",
        "DEMO-RYD-0001",
    ]
    # A contract in progress and a late one in its extension, both with the demo office.
    mine = {c.state: c for c in Contract.objects.filter(beneficiary=ready)}
    assert set(mine) == {ContractState.TRAVEL_DOCUMENTS_READY, ContractState.MEDICAL_PASSED}
    in_progress = mine[ContractState.TRAVEL_DOCUMENTS_READY]
    late = mine[ContractState.MEDICAL_PASSED]
    today = timezone.localdate()
    assert (in_progress.clock, in_progress.day_of_clock(today)) == (DeliveryClock.RUNNING, 25)
    assert (late.clock, late.day_of_clock(today)) == (DeliveryClock.EXTENSION, 100)
    assert {in_progress.office, late.office} == {demo_office}
    assert all(c.signatures.count() == 2 for c in (in_progress, late))
    # The completed one is Turki's: arrived 100 days ago, the rest released, rated.
    completed = Contract.objects.get(state=ContractState.COMPLETED)
    assert completed.beneficiary.national_id == "1000000131"
    assert completed.arrived_on == today - dt.timedelta(days=100)
    assert completed.arrived_on <= completed.delivery_due_on  # on time
    assert completed.rating == 5 and completed.office == demo_office
    statement = statement_for(actor=completed.beneficiary, contract=completed)
    assert statement.balanced and statement.held == 0 and statement.released == completed.total
    # The demo office's manager reads every one of them.
    manager = User.objects.get(username="manager")
    assert set(contracts_for(actor=manager)) == {in_progress, late, completed}
    for contract in (in_progress, late, completed):
        assert statement_for(actor=manager, contract=contract).balanced


def test_the_back_office_roles_read_the_demo_contracts():
    from musaned.recruitment.permissions import VIEW_ALL

    seed()
    for username in ("officer", "supervisor", "licensing"):
        assert User.objects.get(username=username).has_perm(VIEW_ALL), username
    assert not User.objects.get(username="reviewer").has_perm(VIEW_ALL)


def test_abdullah_keeps_his_visa_walk_free_of_the_recruitment_demo():
    seed()
    abdullah = User.objects.get(username=DEMO_ACCOUNT["username"])
    assert not VisaApplication.objects.filter(owner=abdullah).exists()
    assert not RecruitmentRequest.objects.filter(owner=abdullah).exists()
