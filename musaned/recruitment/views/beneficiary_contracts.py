"""The beneficiary's contract pages (docs/recruitment.md, "For the beneficiary"): "My
contracts", a contract's page (the standard contract from its terms, signing with an SMS
code, paying on the provider's page, the stages with their dates and evidence, the
clock, the money), its statement, cancelling it (the claim computed first), reporting a
failed trial, saying the worker is with them, rating the office.

Only the contract's beneficiary reaches these pages: the office's people and staff read
contracts on their own pages, and get the same 404 here as anyone else."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from musaned.accounts import services as account_services
from musaned.accounts.errors import AccountError
from musaned.accounts.forms import CodeForm
from musaned.core import timeline
from musaned.core.errors import ApplicationError, NotFound
from musaned.core.ratelimits import client_key, rate
from musaned.core.uploads import download_response
from musaned.offices.ceilings import amount_text
from musaned.payments.gateway import payment_links
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.recruitment import postings, selectors
from musaned.recruitment.forms.beneficiary import (
    CancelContractForm,
    RatingForm,
    TrialFailureForm,
)
from musaned.recruitment.models import (
    Account,
    Contract,
    ContractState,
    EntryKind,
    Language,
    MaritalStatus,
    Religion,
    SignerRole,
    choice_label,
)
from musaned.recruitment.services import contracts as contract_services
from musaned.recruitment.views.beneficiary import PER_PAGE, add_errors
from musaned.recruitment.workflow.contract import CONTRACT_MACHINE, STAGE_ROWS, Action

SIGN_KEY = "recruitment_signing"  # the session's signing attempts, by contract
DOCUMENT_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def _contract_of(request, uid) -> Contract:
    try:
        return selectors.contract_get_for_beneficiary(actor=request.user, uid=uid)
    except NotFound:
        raise Http404 from None


def _actions(contract: Contract, user) -> dict[str, Any]:
    return {row.action: row for row in CONTRACT_MACHINE.actions_for(contract, user)}


# --- "My contracts" -----------------------------------------------------------------------


@require_safe
def contract_list(request):
    page = Paginator(selectors.contracts_of_beneficiary(actor=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "recruitment/contracts.html",
        {"page": page, "today": timezone.localdate()},
    )


# --- A contract's page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """One stage of the table's order as the page shows it: done on ``at`` (or not yet),
    with what the office showed for it."""

    state: str
    label: str
    at: Any
    evidence: Any
    current: bool = False


# A stage's line where the state's own label says what comes next ("Signed; waiting for
# payment"): the stages list says what was done.
STAGE_LABELS: dict[str, Any] = {ContractState.SIGNED: _lazy("Signed by both parties")}


def _stages(contract: Contract, evidence: dict[str, Any]) -> list[Stage]:
    """The stage order of ``workflow/contract.py`` (signed, paid, the office's stages
    with their evidence, the arrival, the trial, completed), each with its date."""
    recorded = {
        row.target: (evidence[row.target].created_at if row.target in evidence else None)
        for row in STAGE_ROWS
    }
    dates: list[tuple[str, Any]] = [
        (ContractState.SIGNED, contract.signed_at),
        (ContractState.PAID, contract.paid_at),
        *((row.target, recorded[row.target]) for row in STAGE_ROWS),
        (ContractState.IN_TRIAL, contract.handed_over_at),
        (
            ContractState.COMPLETED,
            contract.closed_at if contract.state == ContractState.COMPLETED else None,
        ),
    ]
    ended = contract.state in CONTRACT_MACHINE.terminal
    stages, current_found = [], ended
    for state, at in dates:
        current = not current_found and at is None
        current_found = current_found or current
        stages.append(
            Stage(
                state=state,
                label=str(STAGE_LABELS.get(state) or ContractState(state).label),
                at=at,
                evidence=evidence.get(state),
                current=current,
            )
        )
    return stages


def _document(contract: Contract) -> dict[str, Any]:
    """The contract's document (as it was made and signed), in the reader's language."""
    doc = contract.document or {}
    lang = "ar" if (get_language() or "ar").startswith("ar") else "en"
    terms = doc.get("terms", {})
    worker = doc.get("worker", {})
    office = doc.get("office", {})
    return {
        "doc": doc,
        "title": terms.get("title", {}).get(lang, ""),
        "clauses": terms.get("clauses", {}).get(lang, []),
        "office_name": office.get(f"name_{lang}", ""),
        "nationality": worker.get("nationality", {}).get(lang, ""),
        "occupation": doc.get("occupation", {}).get(lang, ""),
        "religion": choice_label(Religion, worker.get("religion", ""), worker.get("gender", "")),
        "marital_status": choice_label(
            MaritalStatus, worker.get("marital_status", ""), worker.get("gender", "")
        ),
        "languages": ", ".join(
            choice_label(Language, code) for code in worker.get("languages", [])
        ),
        "schedule": terms.get("cancellation_schedule", []),
        "date_of_birth": _iso_date(worker.get("date_of_birth")),
        "vat_percent": (contract.vat_rate * 100).quantize(Decimal("0.01")).normalize(),
        "terms": terms,
    }


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _signing_attempt(request, contract: Contract) -> str | None:
    return request.session.get(SIGN_KEY, {}).get(str(contract.uid))


def _contract_page(request, contract: Contract, *, rating_form=None, status: int = 200):
    user = request.user
    actions = _actions(contract, user)
    bill = bill_for(contract)
    payable = bill is not None and bill.state == BillState.UNPAID and bill.due_at > timezone.now()
    evidence = {
        e.stage: e for e in selectors.evidence_for_beneficiary(actor=user, contract=contract)
    }
    statement = selectors.statement_for(actor=user, contract=contract)
    signatures = {s.role: s for s in contract.signatures.all()}
    rateable = contract.state in contract_services.RATEABLE_STATES and contract.rating is None
    return render(
        request,
        "recruitment/contract.html",
        {
            "contract": contract,
            "today": timezone.localdate(),
            "actions": actions,
            "may_cancel": Action.CANCEL in actions or Action.CLAIM in actions,
            "bill": bill,
            "pay_links": payment_links(bill, language=get_language())
            if payable and bill is not None
            else [],
            "stages": _stages(contract, evidence),
            "statement": statement,
            "signed_by_me": signatures.get(SignerRole.BENEFICIARY),
            "signed_by_office": signatures.get(SignerRole.OFFICE),
            "document": _document(contract),
            "rating_form": rating_form or (RatingForm() if rateable else None),
            "history": timeline.timeline(
                contract,
                viewer=timeline.OWNER,
                labels=CONTRACT_MACHINE.owner_labels,
                owner_field="beneficiary",
                only_labelled=True,
            ),
        },
        status=status,
    )


@require_safe
def contract_detail(request, uid):
    return _contract_page(request, _contract_of(request, uid))


@require_safe
def contract_status(request, uid):
    """The contract's stage, for its page to update itself after payment."""
    contract = _contract_of(request, uid)
    return JsonResponse({"state": contract.state})


@require_safe
def evidence_document(request, uid, stage):
    """The document the office attached to a stage, to the contract's beneficiary."""
    contract = _contract_of(request, uid)
    found = (
        selectors.evidence_for_beneficiary(actor=request.user, contract=contract)
        .filter(stage=stage)
        .first()
    )
    if found is None or not found.document:
        raise Http404
    extension = DOCUMENT_EXTENSIONS.get(found.document_type, "bin")
    return download_response(
        found.document.name,
        content_type=found.document_type,
        filename=f"contract-{contract.number}-{stage}.{extension}",
    )


# --- The money ------------------------------------------------------------------------------

ACCOUNT_ORDER = (
    Account.BENEFICIARY,
    Account.HELD,
    Account.OFFICE,
    Account.REFUND,
    Account.OFFICE_GUARANTEE,
)


@require_safe
def contract_statement(request, uid):
    """Every entry of the contract's ledger, each posting's words, and the balances."""
    contract = _contract_of(request, uid)
    statement = selectors.statement_for(actor=request.user, contract=contract)
    lines = [
        {
            "entry": entry,
            "memo": str(postings.LABELS.get(entry.memo, entry.memo)),
            "account": choice_label(Account, entry.account),
            "kind": choice_label(EntryKind, entry.kind),
        }
        for entry in statement.entries
    ]
    balances = [
        {"account": account, "label": Account(account).label, "amount": statement.balances[account]}
        for account in ACCOUNT_ORDER
    ]
    return render(
        request,
        "recruitment/statement.html",
        {"contract": contract, "statement": statement, "lines": lines, "balances": balances},
    )


# --- Signing with the SMS code ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def contract_sign(request, uid):
    """Re-authentication, then the signature: the code sent to the registered mobile
    (``sign/send/``) is typed here; a wrong or expired code is said beside the field,
    and the page stays."""
    contract = _contract_of(request, uid)
    if Action.SIGN_AS_BENEFICIARY not in _actions(contract, request.user):
        messages.info(request, _("There is nothing for you to sign on this contract now."))
        return redirect("recruitment:contract", uid=contract.uid)
    request.personal_page = True  # never cached, no referrer (core middleware)
    attempt = _signing_attempt(request, contract)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if attempt is None:
            form.add_error(None, _("Ask for the code first: press “Send the code”."))
        elif form.is_valid():
            try:
                contract_services.contract_sign_as_beneficiary(
                    contract=contract,
                    actor=request.user,
                    attempt=attempt,
                    code=form.cleaned_data["code"],
                )
            except AccountError as error:
                form.add_error("code", error.message)
            except ApplicationError as error:
                messages.error(request, error.message)
                return redirect("recruitment:contract", uid=contract.uid)
            else:
                request.session.get(SIGN_KEY, {}).pop(str(contract.uid), None)
                request.session.modified = True
                messages.success(request, _("You signed the contract."))
                return redirect("recruitment:contract", uid=contract.uid)
    return render(
        request,
        "recruitment/sign.html",
        {
            "contract": contract,
            "document": _document(contract),
            "form": form,
            "code_sent": attempt is not None,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@ratelimit(key=client_key, rate=rate("MUSANED_RATE_CODE_SEND"), method="POST", block=True)
def contract_sign_send(request, uid):
    """Send the signing code to the beneficiary's registered mobile (the accounts app's
    limits: one a minute, a few an hour)."""
    contract = _contract_of(request, uid)
    attempt = account_services.new_attempt()
    try:
        contract_services.contract_signature_code_send(
            contract=contract, actor=request.user, attempt=attempt
        )
    except AccountError as error:
        messages.error(request, error.message)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("recruitment:contract", uid=contract.uid)
    else:
        attempts = request.session.get(SIGN_KEY, {})
        attempts[str(contract.uid)] = attempt
        request.session[SIGN_KEY] = attempts
        messages.success(
            request,
            _("We sent a code to %(mobile)s. It expires in 10 minutes.")
            % {"mobile": request.user.masked_mobile},
        )
    return redirect("recruitment:sign", uid=contract.uid)


# --- Ending a contract, the handover, the rating --------------------------------------------------


def _refund_message(quote) -> str:
    outcome = quote.outcome
    if outcome is None:
        return _("The contract is cancelled. Nothing was paid.")
    return _("The contract is cancelled: %(refund)s SAR comes back to you.") % {
        "refund": amount_text(outcome.refund)
    }


@require_http_methods(["GET", "POST"])
def contract_cancel(request, uid):
    """The confirmation step with what the service will compute (the schedule's share,
    or the refund with the compensation once the office is late), then the cancellation."""
    contract = _contract_of(request, uid)
    actions = _actions(contract, request.user)
    if Action.CANCEL not in actions and Action.CLAIM not in actions:
        messages.error(request, str(CONTRACT_MACHINE.refused_message(contract)))
        return redirect("recruitment:contract", uid=contract.uid)
    quote = selectors.cancellation_quote(contract)
    form = CancelContractForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contract_services.contract_cancel(
                contract=contract, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _refund_message(quote))
            return redirect("recruitment:contract", uid=contract.uid)
    return render(
        request,
        "recruitment/contract_cancel.html",
        {
            "contract": contract,
            "quote": quote,
            "claim": Action.CLAIM in actions,
            "form": form,
            "today": timezone.localdate(),
        },
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
def trial_failure(request, uid):
    """Within the trial: the refund for the days not served, shown first, then the report."""
    contract = _contract_of(request, uid)
    if Action.REPORT_TRIAL_FAILURE not in _actions(contract, request.user):
        messages.error(request, str(CONTRACT_MACHINE.refused_message(contract)))
        return redirect("recruitment:contract", uid=contract.uid)
    quote = selectors.trial_failure_quote(contract)
    form = TrialFailureForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contract_services.contract_report_trial_failure(
                contract=contract, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                _("Your report is recorded. The office must take the worker back."),
            )
            return redirect("recruitment:contract", uid=contract.uid)
    return render(
        request,
        "recruitment/trial_failure.html",
        {"contract": contract, "quote": quote, "form": form},
        status=400 if form.is_bound else 200,
    )


@require_POST
def hand_over(request, uid):
    contract = _contract_of(request, uid)
    try:
        contract_services.contract_hand_over(contract=contract, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Recorded: the worker is with you. The trial period runs."))
    return redirect("recruitment:contract", uid=contract.uid)


@require_POST
def contract_rate(request, uid):
    contract = _contract_of(request, uid)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            contract_services.contract_rate(
                contract=contract, actor=request.user, rating=form.cleaned_data["rating"]
            )
        except ApplicationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Thank you for your rating."))
            return redirect("recruitment:contract", uid=contract.uid)
    return _contract_page(request, contract, rating_form=form, status=400)
