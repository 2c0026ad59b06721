"""The REST API, version 1: ``/api/v1/``. Schema at ``/api/v1/openapi.json``; the
human page is ``/api/docs/`` (docs/api.md)."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from musaned.api.auth import TokenAuth
from musaned.api.schemas import Error, InquiryIn, VisaCardOut
from musaned.core.errors import ApplicationError
from musaned.core.ratelimits import client_key
from musaned.visas.inquiry import public_inquiry

api = NinjaAPI(
    title="Musaned API",
    version="1",
    description="Visa inquiry, visa applications and eligibility. Errors are "
    '`{"code", "message", "fields"}`, in the language of Accept-Language.',
    urls_namespace="api-1",
    auth=TokenAuth(),
    docs_url=None,
)


def error(request, status: int, code: str, message, fields=None):
    return api.create_response(
        request, {"code": code, "message": str(message), "fields": fields or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    status = exc.status if exc.status in (404, 409) else 422
    return error(request, status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", []) if part not in ("body", "payload")]
        fields.setdefault(".".join(location) or "body", []).append(item.get("msg", ""))
    return error(request, 422, "invalid", _("Some values are not valid."), fields)


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    return error(
        request, 401, "unauthorized", _("Send a valid API token: Authorization: Bearer <token>.")
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code = "malformed" if exc.status_code == 400 else "http_error"
    return error(request, exc.status_code, code, str(exc))


@api.post(
    "/visa-inquiry",
    auth=None,
    response={200: VisaCardOut, 400: Error, 404: Error, 422: Error, 429: Error},
    summary="Inquire about a visa by its issued number and the sponsor's ID",
    tags=["inquiry"],
)
def visa_inquiry(request, payload: InquiryIn):
    """Public. "Not found" and "the numbers do not match" are the same 404. Rate-limited per client."""
    if is_ratelimited(
        request,
        group="api-visa-inquiry",
        key=client_key,
        rate=settings.MUSANED_RATE_INQUIRY,
        method="POST",
        increment=True,
    ):
        return Status(
            429,
            {
                "code": "rate_limited",
                "message": _("Too many requests. Please wait a while and try again."),
                "fields": {},
            },
        )
    card = public_inquiry(
        issued_number=payload.issued_number, national_id=payload.national_id, request=request
    )
    if card is None:
        return Status(
            404, {"code": "not_found", "message": _("No visa matches these numbers."), "fields": {}}
        )
    return Status(200, card_out(card))


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


api.add_router("/", "musaned.visas.api.router")
