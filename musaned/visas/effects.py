"""What the visa workflow's rows do: the small named effects and guards of
``workflow.py``'s table, and the helpers they share with the services.

An effect takes the transition's ``Step`` (the locked application, who acts, the
payload the service passed) and changes the application with ``step.set`` (saved with
the new state) or adds to the audit row with ``step.note``; one that raises refuses the
action and nothing is written. A guard says why an action cannot be taken now, which
also hides its button.
"""

import datetime as dt
import secrets
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from musaned.core import locks
from musaned.core.errors import ApplicationError
from musaned.core.numbering import unique_number
from musaned.core.uploads import check_upload, delete_after_commit
from musaned.core.workflow import Actor, Step
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.payments.services import bill_create, bill_refund
from musaned.visas import rules, uses
from musaned.visas.errors import VisaErrorCode, visa_error
from musaned.visas.models import RuleSet, VisaApplication
from musaned.visas.tasks import evisa_render_later

# What a person may change on a draft: never its state, fee, owner or numbers.
EDITABLE_FIELDS = frozenset(
    {
        "occupation",
        "nationality",
        "worker_gender",
        "arrival_point",
        "proof_type",
        "monthly_salary",
        "bank_balance",
        "proof_document",
        "proof_document_type",
        "occupation_document",
        "occupation_document_type",
        "declaration",
    }
)
# The uploaded documents of a draft: a replaced one is removed from storage after commit.
DOCUMENT_FIELDS = ("proof_document", "occupation_document")
# When a request was made without a rule set (by hand, before rule sets existed).
DEFAULT_VALIDITY_MONTHS = 24
DEFAULT_FIX_WINDOW_DAYS = 4


# --- Locks ----------------------------------------------------------------------------------


def owner_rows(owner_id: int) -> list[models.Model]:
    """The owner's row, locked before anything that counts the owner's applications
    (core/locks.py: the person comes first): creating a draft (the per-account caps),
    submitting and re-checking (the number of visas allowed). Two requests of one person
    then wait for each other instead of passing a limit together."""
    return [locks.person_row(owner_id)]


def owner_first(application: VisaApplication) -> list[models.Model]:
    return owner_rows(application.owner_id)


# --- What the applicant still has to give -----------------------------------------------------


def missing_parts(application: VisaApplication) -> list[str]:
    """What the applicant still has to give before submitting."""
    missing = []
    if application.occupation_id is None:
        missing.append(str(_("the occupation")))
    if application.nationality_id is None:
        missing.append(str(_("the worker's nationality")))
    if not application.worker_gender:
        missing.append(str(_("the worker's gender")))
    if application.arrival_point_id is None:
        missing.append(str(_("the arrival point")))
    if application.monthly_salary is None and application.bank_balance is None:
        missing.append(str(_("the salary or bank balance")))
    if not application.proof_document:
        missing.append(str(_("the financial proof document")))
    occupation = application.occupation if application.occupation_id else None
    if occupation is not None and occupation.needs_document and not application.occupation_document:
        missing.append(str(occupation.document_name))
    if not application.declaration:
        missing.append(str(_("the declaration")))
    return missing


# --- Guards: whether an action can be taken now (a refused guard also hides the button) --------


def fix_window_open(application: VisaApplication, actor: Actor) -> ApplicationError | None:
    if application.fix_by is None or timezone.localdate() > application.fix_by:
        return visa_error(VisaErrorCode.FIX_WINDOW_CLOSED)
    return None


def not_past_expiry(application: VisaApplication, actor: Actor) -> ApplicationError | None:
    if application.expires_on is not None and application.expires_on < timezone.localdate():
        return visa_error(VisaErrorCode.EXPIRED)
    return None


def not_in_use(application: VisaApplication, actor: Actor) -> ApplicationError | None:
    """A visa a recruitment request or contract counts on is not cancelled (``uses.py``)."""
    return visa_error(VisaErrorCode.IN_USE) if uses.in_use(application) else None


# --- Effects ----------------------------------------------------------------------------------


def edit_draft(step: Step[VisaApplication]) -> None:
    """The fields the owner changed (``payload["fields"]``); a new document is stored now
    and named in ``payload["written"]`` (removed again if the change rolls back)."""
    fields: dict[str, Any] = step.payload["fields"]
    for name, value in fields.items():
        if name not in DOCUMENT_FIELDS:
            step.set(name, value)
    for name in DOCUMENT_FIELDS:  # last: the type found by content wins
        if name in fields:
            _replace_document(step, name, fields[name])
    step.note(fields=sorted(fields))


def _replace_document(step: Step[VisaApplication], name: str, value: Any) -> None:
    """Put ``value`` (an upload, a stored name, or nothing) in the document field ``name``
    and its type in ``<name>_type``; the file it replaces goes after commit. An upload
    that no form checked is checked here (``UploadRefused``)."""
    application, written = step.obj, step.payload["written"]
    old = getattr(application, name)
    old_name = old.name if old else ""
    if hasattr(value, "read"):  # an upload: checked (if no form did) and stored now
        value = check_upload(value)
        step.set(f"{name}_type", value.sniffed_type)
    elif not value:
        step.set(f"{name}_type", "")
    step.set(name, value)
    new = getattr(application, name)
    if new and not new._committed:  # stored before the row, so a failure can remove it
        new.save(value.name or "document", value, save=False)
        written.append(new.name)
    if old_name and old_name != (new.name if new else ""):
        delete_after_commit(old_name, old.storage)


def _facts(step: Step[VisaApplication]) -> rules.Facts:
    """The rules' facts the service gathered under the locks (or gathered now)."""
    if "facts" not in step.payload:
        step.payload["facts"] = rules.gather(user=step.obj.owner, application=step.obj)
    return step.payload["facts"]


def check_complete(step: Step[VisaApplication]) -> None:
    if missing := missing_parts(step.obj):
        raise visa_error(VisaErrorCode.INCOMPLETE, missing=", ".join(missing))


def check_rules(step: Step[VisaApplication]) -> None:
    """No one pays for a certain rejection: a rule that does not pass refuses the submit."""
    verdicts = rules.verdicts_of(_facts(step))
    failing = [v for v in verdicts if v.status in (rules.Status.FAIL, rules.Status.NEEDS_INFO)]
    if failing:
        # Each verdict is a sentence with its own full stop; the list ends with one.
        raise visa_error(
            VisaErrorCode.RULE_FAILED,
            rules="; ".join(str(v.message).rstrip(". ") for v in failing),
        )


def price(step: Step[VisaApplication]) -> None:
    """The fee and the rule set in force, kept with the request."""
    facts = _facts(step)
    fee = rules.fee_for(facts)
    step.set("rule_set", facts.rule_set)
    step.set("fee", fee)
    step.set("submitted_at", step.now)
    step.note(fee=str(fee))


def issue_bill(step: Step[VisaApplication]) -> None:
    application = step.obj
    assert application.fee is not None  # priced by the row's price effect
    bill = bill_create(
        owner=application.owner,
        subject=application,
        amount=application.fee,
        description=_bill_description(application.reference),
        due_at=step.now + dt.timedelta(days=_facts(step).rule_set.payment_days),
    )
    step.note(bill_number=bill.number)


def _bill_description(reference: str) -> str:
    """Both languages: the provider's page is not in the portal's language."""
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            parts.append(str(_("Musaned visa request %(ref)s") % {"ref": reference}))
    return " / ".join(parts)


def note_bill(step: Step[VisaApplication]) -> None:
    step.note(bill_number=step.payload["bill"].number)


def note_amount_paid(step: Step[VisaApplication]) -> None:
    step.note(amount=str(step.payload["bill"].amount))


def _terms(step: Step[VisaApplication]) -> tuple[dt.date, RuleSet | None]:
    """The day and the rule set a decision counts from: the rules engine's facts, or
    (a reviewer's decision) today and the rule set the request was submitted under."""
    facts = step.payload.get("facts")
    if facts is not None:
        return facts.today, facts.rule_set
    return timezone.localdate(), step.obj.rule_set


def record_verdicts(step: Step[VisaApplication]) -> None:
    step.set("verdicts", [verdict.as_dict() for verdict in step.payload["verdicts"]])
    step.set("decided_at", step.now)


def note_failed_rules(step: Step[VisaApplication]) -> None:
    step.note(failed_rules=step.payload["failed_rules"])


def set_fix_by(step: Step[VisaApplication]) -> None:
    """Until when the owner may fix the cause and ask for a re-check without paying again."""
    today, rule_set = _terms(step)
    window = rule_set.fix_window_days if rule_set else DEFAULT_FIX_WINDOW_DAYS
    step.set("fix_by", today + dt.timedelta(days=window))


def needs_reason(step: Step[VisaApplication]) -> None:
    if not step.reason:
        raise visa_error(VisaErrorCode.REASON_REQUIRED)


def give_numbers(step: Step[VisaApplication]) -> None:
    """The visa and issued numbers (random, Luhn-checked), the validity and the QR token."""
    today, rule_set = _terms(step)
    rows = VisaApplication.objects
    step.set(
        "visa_number",
        unique_number(10, lambda n: rows.filter(visa_number=n).exists(), prefix="9"),
    )
    step.set(
        "issued_number",
        unique_number(10, lambda n: rows.filter(issued_number=n).exists(), prefix="4"),
    )
    step.set("issued_on", today)
    months = rule_set.validity_months if rule_set else DEFAULT_VALIDITY_MONTHS
    step.set("expires_on", add_months(today, months))
    step.set("verification_token", secrets.token_urlsafe(32))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def tell_uses(step: Step[VisaApplication]) -> None:
    """The apps that wait for this visa's decision hear of it (``uses.py``), with the
    reasons of a refusal: the rules that did not pass, or the reviewer's reason."""
    reasons = [
        {"rule": verdict.rule, "title": str(verdict.title), "message": str(verdict.message)}
        for verdict in step.payload.get("verdicts") or ()
        if verdict.status in (rules.Status.FAIL, rules.Status.NEEDS_INFO)
    ]
    if step.reason:
        reasons.append({"rule": "review", "title": "", "message": step.reason})
    uses.tell_decided(step.obj, reasons)


def draw_evisa(step: Step[VisaApplication]) -> None:
    """The e-visa PDF of the new state (issued, cancelled, expired), drawn by a task after
    commit (issue 6)."""
    evisa_render_later(step.obj)


def refund_fee(step: Step[VisaApplication]) -> None:
    """A cancelled visa's fee goes back through the payment port (the bill's own row)."""
    application = step.obj
    bill = bill_for(application)
    if bill is not None and bill.state == BillState.PAID:
        bill_refund(bill=bill, actor=step.actor, reason=f"visa {application.visa_number} cancelled")


def discard_documents(step: Step[VisaApplication]) -> None:
    """A discarded draft's documents leave storage after commit: nobody reviews a
    discarded draft, and a bank statement is personal data."""
    application = step.obj
    documents = [getattr(application, name) for name in DOCUMENT_FIELDS]
    stored = [(document.name, document.storage) for document in documents if document]
    for name in DOCUMENT_FIELDS:
        step.set(name, "")
        step.set(f"{name}_type", "")
    step.note(documents_removed=len(stored))
    for name, storage in stored:
        delete_after_commit(name, storage)
