"""The visas part of the REST API: own applications, eligibility, create and submit."""

from django.conf import settings
from django.utils.translation import gettext as _
from django_ratelimit.core import _split_rate
from ninja import Router, Status

from musaned.api.errors import error_body, invalid
from musaned.api.idempotency import IDEMPOTENCY_KEY, with_idempotency
from musaned.api.schemas import LIMIT, LIST, OFFSET, READ_ONE, WRITE, answers
from musaned.core.errors import MESSAGES as CORE_MESSAGES
from musaned.core.errors import CoreErrorCode
from musaned.core.ratelimits import count_and_check
from musaned.visas import rules, services
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaApplication, VisaState
from musaned.visas.schemas import ApplicationIn, ApplicationOut, InquiryIn, VerdictOut, VisaCardOut
from musaned.visas.selectors import application_get_for, applications_for

router = Router(tags=["visa applications"])
inquiry_router = Router(tags=["inquiry"])


NO_BILL = object()


def application_out(application: VisaApplication, bill=NO_BILL) -> dict:
    from musaned.payments.gateway import pay_links_out
    from musaned.payments.selectors import bill_for

    if bill is NO_BILL:
        bill = bill_for(application) if application.state != VisaState.DRAFT else None
    return {
        "reference": application.reference,
        "state": application.state,
        "state_label": str(VisaState(application.state).label),
        "occupation": application.occupation.code if application.occupation else None,
        "nationality": application.nationality.code if application.nationality else None,
        "worker_gender": application.worker_gender,
        "arrival_point": application.arrival_point.code if application.arrival_point else None,
        "proof_type": application.proof_type,
        "monthly_salary": application.monthly_salary,
        "bank_balance": application.bank_balance,
        "fee": application.fee,
        "submitted_at": application.submitted_at,
        "fix_by": application.fix_by,
        "visa_number": application.visa_number,
        "issued_number": application.issued_number,
        "issued_on": application.issued_on,
        "expires_on": application.expires_on,
        "bill": {
            "number": bill.number,
            "amount": bill.amount,
            "state": bill.state,
            "due_at": bill.due_at,
            **pay_links_out(bill),
        }
        if bill is not None
        else None,
    }


def newest_bills(applications: list[VisaApplication]) -> dict:
    """Each application's newest bill, in one query (the list must not grow a query per row)."""
    from musaned.payments.handlers import subject_type_of
    from musaned.payments.models import Bill

    if not applications:
        return {}
    rows = Bill.objects.filter(
        subject_type=subject_type_of(applications[0]),
        subject_id__in=[str(a.pk) for a in applications],
    ).order_by("created_at", "id")
    return {row.subject_id: row for row in rows}  # the newest wins


def _get_own(request, reference: str) -> VisaApplication:
    """One of the caller's applications; anyone else's is the API's one 404 (NotFound)."""
    return application_get_for(actor=request.auth, reference=reference)


@router.get(
    "/visa-applications",
    response=answers(200, list[ApplicationOut], *LIST),
    summary="My visa applications and visas",
)
def list_applications(request, limit: int = LIMIT, offset: int = OFFSET):
    """Newest first; page with ``limit`` and ``offset``."""
    rows = list(applications_for(actor=request.auth)[offset : offset + limit])
    bills = newest_bills([a for a in rows if a.state != VisaState.DRAFT])
    return [application_out(a, bills.get(str(a.pk))) for a in rows]


@router.get(
    "/visa-applications/{reference}",
    response=answers(200, ApplicationOut, *READ_ONE),
    summary="One of my visa applications",
)
def get_application(request, reference: str):
    return Status(200, application_out(_get_own(request, reference)))


def _catalogue(model, code: str, field: str, fields: dict):
    row = model.objects.filter(code=code, is_active=True).first()
    if row is None:
        fields[field] = [str(_("Unknown code."))]
    return row


@router.post(
    "/visa-applications",
    response=answers(201, ApplicationOut, *WRITE),
    summary="Start a visa application (a draft); documents are attached on the website",
)
def create_application(
    request, payload: ApplicationIn, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    def run():
        fields: dict = {}
        values = {
            "occupation": _catalogue(Occupation, payload.occupation, "occupation", fields),
            "nationality": _catalogue(Nationality, payload.nationality, "nationality", fields),
            "arrival_point": _catalogue(
                ArrivalPoint, payload.arrival_point, "arrival_point", fields
            ),
            "worker_gender": payload.worker_gender,
            "proof_type": payload.proof_type,
            "monthly_salary": payload.monthly_salary,
            "bank_balance": payload.bank_balance,
        }
        if fields:
            raise invalid(fields)
        application = services.visa_application_create(owner=request.auth)
        application = services.visa_application_update(
            application=application, actor=request.auth, **values
        )
        return 201, application_out(application)

    return with_idempotency(request, idempotency_key, run)


@router.post(
    "/visa-applications/{reference}/submit",
    response=answers(200, ApplicationOut, *WRITE),
    summary="Submit a complete draft: a bill to pay, or the decision at once when fee-exempt",
)
def submit_application(request, reference: str, idempotency_key: str | None = IDEMPOTENCY_KEY):
    def run():
        application = _get_own(request, reference)
        application = services.visa_application_submit(application=application, actor=request.auth)
        return 200, application_out(application)

    return with_idempotency(request, idempotency_key, run)


@router.get(
    "/eligibility",
    response=answers(200, list[VerdictOut], 401),
    tags=["eligibility"],
    summary="Every rule's verdict now",
)
def eligibility(request):
    return [
        {
            "rule": v.rule,
            "status": str(v.status),
            "title": str(v.title),
            "message": str(v.message),
            "advice": str(v.advice),
        }
        for v in rules.evaluate(user=request.auth)
    ]


# --- The public inquiry (no account) -------------------------------------------------


def _api():
    from musaned.api.api import api  # the API object this router is mounted on

    return api


def _answer(request, status: int, code: str, message):
    return _api().create_response(request, error_body(code, message), status=status)


@inquiry_router.post(
    "/visa-inquiry",
    auth=None,
    response=answers(200, VisaCardOut, 400, 404, 422, 429),
    summary="Inquire about a visa by its issued number and the sponsor's ID",
    tags=["inquiry"],
)
def visa_inquiry(request, payload: InquiryIn):
    """Public. "Not found" and "the numbers do not match" are the same 404.
    Rate-limited per client address like the inquiry page (429 with Retry-After)."""
    rate = settings.MUSANED_RATE_INQUIRY  # the inquiry page's limit, counted apart
    # django-ratelimit's counter and key, in one Redis round trip (docs/performance.md).
    if count_and_check(request, group="visa-inquiry", rate=rate, method="POST"):
        code = CoreErrorCode.RATE_LIMITED
        response = _answer(request, 429, code, CORE_MESSAGES[code])
        response["Retry-After"] = str(_split_rate(rate)[1])
        return response
    card = services.visa_inquiry_public(
        issued_number=payload.issued_number, national_id=payload.national_id
    )
    # Both bodies are built here in the declared shapes (VisaCardOut, Error) and go out as
    # they are: Ninja's validation of a returned value would only re-check these dicts,
    # for about 0.1 ms a request (docs/performance.md). The JSON is byte for byte the same.
    if card is None:
        return _answer(request, 404, CoreErrorCode.NOT_FOUND, _("No visa matches these numbers."))
    return _api().create_response(request, card_out(card), status=200)


def card_out(card) -> dict:
    return {
        "visa_number": card.visa_number,
        "issued_number": card.issued_number,
        "status": card.state,
        "status_label": card.status,
        "sponsor": card.sponsor,
        "occupation": card.occupation,
        "nationality": card.nationality,
        "worker_gender": card.worker_gender,
        "arrival_point": card.arrival_point,
        "issued_on": card.issued_on,
        "expires_on": card.expires_on,
    }
