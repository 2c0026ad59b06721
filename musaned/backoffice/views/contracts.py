"""The recruitment contracts, read-only: the list with its filters, one contract's page
(its parties, signatures, clock, stages with their evidence, ledger and timeline), a
stage's document, and the audit trail.

Staff holding ``recruitment.view_all_contracts`` read them (complaints officers,
supervisors and licensing officers: ``musaned/backoffice/migrations``); nothing here
changes a contract. Every read of one contract, its document, its trail and every search
is audited through ``backoffice.services`` (decision 13).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from musaned.backoffice import selectors, services
from musaned.backoffice.access import permission_required
from musaned.backoffice.forms import ContractFilterForm
from musaned.backoffice.views.trail import audit_trail_page
from musaned.complaints.permissions import HANDLE, SUPERVISE
from musaned.core.uploads import download_response
from musaned.recruitment.models import Account, DeliveryClock
from musaned.recruitment.postings import LABELS as POSTING_LABELS
from musaned.recruitment.workflow.contract import CONTRACT_MACHINE, Evidence

PER_PAGE = 25
VIEW = selectors.VIEW_CONTRACTS
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@permission_required(VIEW)
@require_safe
def contract_list(request):
    """Every contract, newest first, by stage and lateness, or one found by its number or
    the beneficiary's ID number."""
    today = timezone.localdate()
    form = ContractFilterForm(request.GET)
    form.is_valid()  # an unknown filter value is shown as an error and ignored
    data = form.cleaned_data
    filters = selectors.ContractFilters(
        search=data.get("q", ""), state=data.get("state", ""), late=data.get("late", "")
    )
    if filters.search:
        services.contracts_search(actor=request.user, query=filters.search)
    rows = selectors.contract_list(actor=request.user, filters=filters, today=today)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/contract_list.html",
        {
            "section": "contracts",
            "form": form,
            "filters": filters,
            "page": page,
            "today": today,
        },
    )


def _entries(statement):
    """The ledger's lines with the words staff read: what the posting was, the account."""
    accounts = dict(Account.choices)
    return [
        {
            "entry": entry,
            "what": POSTING_LABELS.get(entry.memo, entry.memo),
            "account": accounts.get(entry.account, entry.account),
        }
        for entry in statement.entries
    ]


@permission_required(VIEW)
@require_safe
def contract_detail(request, number):
    actor = request.user
    contract = selectors.contract_or_404(actor=actor, number=number)
    today = timezone.localdate()
    statement = selectors.contract_statement(actor=actor, contract=contract)
    services.contract_open(actor=actor, contract=contract)
    reads_complaints = actor.has_perm(HANDLE) or actor.has_perm(SUPERVISE)
    return render(
        request,
        "backoffice/contract_detail.html",
        {
            "section": "contracts",
            "contract": contract,
            "owner": contract.beneficiary,
            "clock_label": DeliveryClock(contract.clock).label,
            "day_of_clock": contract.day_of_clock(today),
            "day_of_trial": contract.day_of_trial(today),
            "signatures": selectors.contract_signatures(actor=actor, contract=contract),
            "stages": selectors.contract_stages(actor=actor, contract=contract),
            "evidence_kinds": Evidence,
            "statement": statement,
            "entries": _entries(statement) if statement is not None else [],
            "balances": [(label, statement.balances[account]) for account, label in Account.choices]
            if statement is not None
            else [],
            "complaints": selectors.contract_complaints(actor=actor, contract=contract)
            if reads_complaints
            else [],
            "reads_complaints": reads_complaints,
            "timeline": selectors.contract_timeline(actor=actor, contract=contract),
        },
    )


@permission_required(VIEW)
@require_safe
def contract_evidence(request, number, stage):
    """The document an office showed for a stage, as a download with a server-made name."""
    contract = selectors.contract_or_404(actor=request.user, number=number)
    evidence = selectors.contract_evidence_or_404(
        actor=request.user, contract=contract, stage=stage
    )
    services.contract_evidence_download(actor=request.user, contract=contract, evidence=evidence)
    content_type = evidence.document_type or "application/octet-stream"
    return download_response(
        evidence.document.name,
        content_type=content_type,
        filename=f"{contract.number}-{stage}.{EXTENSIONS.get(content_type, 'bin')}",
    )


@permission_required(SUPERVISE)
@require_safe
def contract_audit(request, number):
    """Every event of the contract, newest first (supervisors, who also read contracts)."""
    contract = selectors.contract_or_404(actor=request.user, number=number)
    services.contract_audit_read(actor=request.user, contract=contract)
    return audit_trail_page(
        request,
        contract,
        labels=CONTRACT_MACHINE.labels,
        title=_("Audit trail of contract %(number)s") % {"number": contract.number},
        back_url=reverse("backoffice:contract", kwargs={"number": contract.number}),
        section="contracts",
    )
