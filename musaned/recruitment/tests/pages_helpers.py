"""What the office pages' tests add to the foundation's factories: a request from a
second beneficiary in the same test (``issued_visa`` pays every visa with the same
provider event id, which a second payment may not reuse)."""

from __future__ import annotations

from decimal import Decimal

from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.recruitment.models import RecruitmentRequest
from musaned.recruitment.tests.factories import sent_request
from musaned.visas.models import VisaState
from musaned.visas.tests.factories import submitted


def visa_held_by(owner) -> None:
    """An issued visa for a Filipino housemaid, paid under an event id of its own (with
    the bank balance a second visa asks for)."""
    application = submitted(owner, bank_balance=Decimal("500000"))
    if application.state == VisaState.AWAITING_PAYMENT:
        bill = bill_for(application)
        pay(bill, event_id=f"EVT-VISA-{bill.number}")
        application.refresh_from_db()
    assert application.state == VisaState.ISSUED, application.state


def request_from(beneficiary, offices, **overrides) -> RecruitmentRequest:
    """A request sent to ``offices`` by a beneficiary holding a visa that fits."""
    visa_held_by(beneficiary)
    return sent_request(beneficiary, offices, visa=False, **overrides)
