"""The provider's callback endpoint and the local provider's (simulator's) pages."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from musaned.payments import handlers, selectors, services, simulator
from musaned.payments.gateway import LocalSadadGateway, get_gateway
from musaned.payments.models import Bill, BillState
from musaned.payments.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER

logger = logging.getLogger(__name__)


# --- The callback (machine to machine) -------------------------------------------


def _answer(code: str, message, status: int, **extra) -> JsonResponse:
    return JsonResponse({"code": code, "message": str(message), **extra}, status=status)


@csrf_exempt
@login_not_required
def callback(request):
    """The provider reports a payment. JSON answers only, never a traceback.

    200 applied or already processed; 400 malformed; 401 signature or
    timestamp; 404 unknown bill; 409 conflict (expired, already paid, amount);
    500 when applying failed (nothing was kept; the provider should retry).
    """
    if request.method != "POST":
        response = _answer("method_not_allowed", _("Use POST."), 405)
        response["Allow"] = "POST"
        return response
    try:
        raw_body = request.body
    except RequestDataTooBig:
        return _answer("malformed", _("The callback body is too large."), 400)
    try:
        result = services.bill_payment_callback_apply(
            raw_body=raw_body,
            timestamp=request.headers.get(TIMESTAMP_HEADER, ""),
            signature=request.headers.get(SIGNATURE_HEADER, ""),
        )
    except services.PaymentError as error:
        return _answer(error.code, error.message, error.status)
    except Exception:
        logger.exception("Applying a payment callback failed; nothing was kept.")
        return _answer(
            "server_error", _("The payment could not be applied. Please retry later."), 500
        )
    bill = result.bill
    if result.applied:
        return _answer("ok", _("Payment applied."), 200, bill_number=bill.number)
    return _answer("already_processed", _("Already processed."), 200, bill_number=bill.number)


# --- The local provider's pages (the simulator) --------------------------------------


def _return_url(bill: Bill) -> str | None:
    if not handlers.is_registered(bill.subject_type):
        return None
    return handlers.handler_for(bill.subject_type).return_url(bill)


def _page(request, bill: Bill, *, error=None, status: int = 200):
    payable = bill.state == BillState.UNPAID and bill.due_at > timezone.now()
    return render(
        request,
        "payments/sadad/bill.html",
        {
            "bill": bill,
            "key": simulator.bill_key(bill),
            "biller_code": simulator.BILLER_CODE,
            "payable": payable,
            "past_due": bill.state == BillState.UNPAID and not payable,
            "return_url": _return_url(bill),
            "error": error,
        },
        status=status,
    )


def _not_found(request):
    return render(request, "payments/sadad/not_found.html", status=404)


def _simulated_bill(request, number: str) -> Bill | None:
    """The bill, if this site plays the provider and the request carries the bill's key
    (``?key=`` from the owner's payment link).

    No key, a wrong key, an unknown number, and a real gateway all give the same answer
    (None: the same "no bill has this number" page), so the pages tell a stranger nothing.
    """
    if not isinstance(get_gateway(), LocalSadadGateway):
        return None
    bill = selectors.bill_by_number(number)
    if bill is None or not simulator.bill_key_ok(bill, request.GET.get("key", "")):
        return None
    return bill


@login_not_required
@require_safe
def sadad_bill(request, number: str):
    """The provider's page for one bill: biller, number, amount, due date and "Pay"."""
    bill = _simulated_bill(request, number)
    if bill is None:
        return _not_found(request)
    return _page(request, bill)


@login_not_required
@require_POST
def sadad_pay(request, number: str):
    """Pay the bill in full: the provider signs a callback and POSTs it to the platform,
    then sends the payer back to the service that issued the bill."""
    bill = _simulated_bill(request, number)
    if bill is None:
        return _not_found(request)
    if bill.state == BillState.PAID:
        return _page(request, bill)  # "already paid", with the way back
    if not (bill.state == BillState.UNPAID and bill.due_at > timezone.now()):
        return _page(request, bill, error=_("This bill can no longer be paid."), status=409)
    try:
        simulator.pay(bill, url=simulator.callback_url())
    except simulator.DeliveryFailed as failure:
        logger.warning("Simulator: callback for bill %s failed: %s", bill.number, failure)
    bill.refresh_from_db()
    if bill.state != BillState.PAID:
        return _page(
            request,
            bill,
            error=_(
                "The payment could not be confirmed with the biller, so nothing was "
                "charged and the bill is still unpaid. Please try again."
            ),
            status=502,
        )
    return HttpResponseRedirect(_return_url(bill) or get_gateway().payment_url(bill))
