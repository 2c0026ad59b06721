"""The REST API, version 1: ``/api/v1/``. Schema at ``/api/v1/openapi.json``; the
human page is ``/api/docs/`` (docs/api.md). Ninja's own Swagger page is off: it
loads its assets from a CDN, which the content security policy forbids."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django_ratelimit.core import _split_rate
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from musaned.api.auth import TokenAuth
from musaned.api.errors import error_body, status_for, validation_fields
from musaned.api.schemas import Api, Error, InquiryIn, VisaCardOut
from musaned.core.errors import ApplicationError
from musaned.core.ratelimits import count_and_check
from musaned.visas.inquiry import public_inquiry

api = Api(
    title="Musaned API",
    version="1.0.0",
    description="Visa inquiry, visa applications, eligibility and complaints. Errors are "
    '`{"code", "message", "fields"}`, in the language of Accept-Language. '
    "Sign in with `Authorization: Bearer <token>` (tokens are made on the profile).",
    urls_namespace="api-1",
    auth=TokenAuth(),
    docs_url=None,
)

# The same limit, per client, as the public inquiry page (docs/configuration.md).
INQUIRY_RATE_SETTING = "MUSANED_RATE_INQUIRY"


def error(request, status: int, code: str, message, fields=None):
    return api.create_response(request, error_body(code, message, fields), status=status)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return error(request, status_for(exc), exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc: NinjaValidationError):
    return error(
        request, 422, "invalid", _("Some values are not valid."), validation_fields(exc.errors)
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request, exc):
    response = error(
        request, 401, "unauthorized", _("Send a valid API token: Authorization: Bearer <token>.")
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # Ninja's only 400 is a body that is not JSON.
        return error(request, 400, "malformed", _("Enter a valid JSON."))
    return error(request, exc.status_code, "http_error", str(exc))


@api.post(
    "/visa-inquiry",
    auth=None,
    response={200: VisaCardOut, 400: Error, 404: Error, 422: Error, 429: Error},
    summary="Inquire about a visa by its issued number and the sponsor's ID",
    tags=["inquiry"],
)
def visa_inquiry(request, payload: InquiryIn):
    """Public. "Not found" and "the numbers do not match" are the same 404.
    Rate-limited per client address like the inquiry page (429 with Retry-After)."""
    rate = getattr(settings, INQUIRY_RATE_SETTING)
    # django-ratelimit's counter and key, in one Redis round trip (docs/performance.md).
    if count_and_check(request, group="visa-inquiry", rate=rate, method="POST"):
        response = error(
            request,
            429,
            "rate_limited",
            _("Too many requests. Please wait a while and try again."),
        )
        response["Retry-After"] = str(_split_rate(rate)[1])
        return response
    card = public_inquiry(
        issued_number=payload.issued_number, national_id=payload.national_id, request=request
    )
    # Both bodies are built here in the declared shapes (VisaCardOut, Error) and go out as
    # they are: Ninja's validation of a returned value would only re-check these dicts,
    # for about 0.1 ms a request (docs/performance.md). The JSON is byte for byte the same.
    if card is None:
        return error(request, 404, "not_found", _("No visa matches these numbers."))
    return api.create_response(request, card_out(card), status=200)


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
api.add_router("/", "musaned.complaints.api.router")
