"""The contract's PDF (``musaned/recruitment/pdf.py``), downloaded from either party's
contract page: the office's people from the portal, the beneficiary from "My contracts".
Each route reads the contract through the scoped selector and keeps to its own party: a
contract of another office, another beneficiary's, or one the reader is not a party to
on that route, is the same 404 as one that does not exist. Drawing it writes nothing."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from musaned.core.errors import NotFound
from musaned.offices.access import office_member_required
from musaned.recruitment import selectors
from musaned.recruitment.models import Contract
from musaned.recruitment.pdf import contract_filename, render_contract_pdf
from musaned.recruitment.views.office import office_contract


def _pdf(contract: Contract) -> HttpResponse:
    language = "ar" if (get_language() or "ar").startswith("ar") else "en"
    response = HttpResponse(
        render_contract_pdf(contract, language=language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{contract_filename(contract)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@office_member_required
def office_contract_pdf(request, membership, uid):
    return _pdf(office_contract(request, membership, uid))


@require_safe
def beneficiary_contract_pdf(request, uid):
    """The beneficiary's own contract (staff read contracts in the back office)."""
    try:
        contract = selectors.contract_get_for(actor=request.user, uid=uid)
    except NotFound:
        raise Http404 from None
    if contract.beneficiary_id != request.user.pk:
        raise Http404
    request.personal_page = True  # never cached, no referrer (core middleware)
    return _pdf(contract)
