"""Visa requests for tests, made through the real services (so the rules, the audit and
the invariants run): a draft at the finance step, a complete draft, a submitted one, one
waiting in quality check, an issued visa; and a draft as the API takes it. The catalogues must be loaded (the ``catalogues`` fixture)."""

from decimal import Decimal

from musaned.core.tests.documents import pdf_upload
from musaned.visas import services
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaApplication, VisaState

# A draft's body for POST /api/v1/visa-applications.
DRAFT = {
    "occupation": "housemaid",
    "nationality": "PHL",
    "worker_gender": "F",
    "arrival_point": "RUH",
    "proof_type": "bank",
    "bank_balance": "50000",
}


def draft_at_finance(owner) -> VisaApplication:
    """A draft with its occupation chosen and nothing else: the finance step is next."""
    application = services.visa_application_create(owner=owner)
    return services.visa_application_update(
        application=application, actor=owner, occupation=Occupation.objects.get(code="housemaid")
    )


def complete_draft(
    owner, *, occupation="housemaid", nationality="PHL", gender="F", **overrides
) -> VisaApplication:
    """A draft with everything filled in (and the occupation's document, if it needs one)."""
    application = services.visa_application_create(owner=owner)
    occupation_row = Occupation.objects.get(code=occupation)
    fields = {
        "occupation": occupation_row,
        "nationality": Nationality.objects.get(code=nationality),
        "worker_gender": gender,
        "arrival_point": ArrivalPoint.objects.get(code="RUH"),
        "proof_type": "bank",
        "bank_balance": Decimal("50000"),
        "proof_document": pdf_upload("proof.pdf"),
        "proof_document_type": "application/pdf",
        "declaration": True,
    }
    if occupation_row.needs_document:
        fields["occupation_document"] = pdf_upload("report.pdf")
        fields["occupation_document_type"] = "application/pdf"
    fields.update(overrides)
    return services.visa_application_update(application=application, actor=owner, **fields)


def submitted(owner, **overrides) -> VisaApplication:
    """A complete draft, submitted (awaiting payment, or decided at once if fee exempt)."""
    return services.visa_application_submit(
        application=complete_draft(owner, **overrides), actor=owner
    )


def in_quality_check(owner) -> VisaApplication:
    """A fee-exempt owner's home-nurse request, submitted: it waits in quality check.
    (Up to three per citizen: the capacity tiers allow three visas.)"""
    return submitted(owner, occupation="home-nurse", bank_balance=Decimal("500000"))


def issued_visa(owner, **overrides) -> VisaApplication:
    """A complete draft, submitted and (unless fee exempt) paid by the provider's signed
    callback: an issued visa."""
    from musaned.payments.selectors import bill_for
    from musaned.payments.tests.fakes import pay

    application = submitted(owner, **overrides)
    if application.state == VisaState.AWAITING_PAYMENT:
        pay(bill_for(application))
        application.refresh_from_db()
    assert application.state == VisaState.ISSUED, application.state
    return application


def traffic_violations(owner, *, unpaid: bool) -> None:
    """The traffic system reports ``owner``'s unpaid violations (or that they are paid)
    to the registry the rules read."""
    from musaned.identity.models import RegistryPerson

    RegistryPerson.objects.filter(national_id=owner.national_id).update(
        unpaid_traffic_violations=unpaid
    )
