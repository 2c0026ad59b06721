"""The visa application's workflow: one row per ``(state, action)`` with who may take it,
the small named effects it runs, its notice, its timeline line and its button.

Only ``musaned.core.workflow.transition`` moves an application (docs/visas.md, "The state
table"): it refuses a pair that is not here, or an actor the row does not admit, with
``InvalidTransition`` (HTTP 409) and nothing changed. The services in ``services.py``
say which action to take (the rules engine's decision, the fee) and pass what the
effects need (``facts``, ``verdicts``, the ``bill``) as the transition's payload.
"""

import datetime as dt
import secrets
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core import locks
from musaned.core.errors import ApplicationError
from musaned.core.numbering import unique_number
from musaned.core.uploads import check_upload, delete_after_commit
from musaned.core.workflow import OWNER, SYSTEM, Actor, Machine, Notice, Row, Step, staff
from musaned.notifications.services import notify
from musaned.payments.models import BillState
from musaned.payments.selectors import bill_for
from musaned.payments.services import bill_create, bill_refund
from musaned.payments.workflow import MACHINE as BILL_MACHINE
from musaned.visas import rules
from musaned.visas.errors import VisaErrorCode, fail
from musaned.visas.models import RuleSet, VisaApplication, VisaState
from musaned.visas.permissions import DECIDE_VISA_APPLICATIONS
from musaned.visas.tasks import evisa_render_later

S = VisaState


class Action(StrEnum):
    UPDATE = "update"  # the owner edits the draft (the state stays)
    SUBMIT = "submit"
    SUBMIT_EXEMPT = "submit_exempt"
    PAY = "pay"
    BILL_EXPIRE = "bill_expire"
    ISSUE = "issue"
    REFER = "refer"
    REJECT = "reject"
    APPROVE = "approve"
    DECLINE = "decline"
    RECHECK = "recheck"
    CANCEL = "cancel"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"


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
# The audit action of a draft's edits (the owner's timeline leaves them out).
UPDATED = "visa.updated"
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
        return fail(VisaErrorCode.FIX_WINDOW_CLOSED)
    return None


def not_past_expiry(application: VisaApplication, actor: Actor) -> ApplicationError | None:
    if application.expires_on is not None and application.expires_on < timezone.localdate():
        return fail(VisaErrorCode.EXPIRED)
    return None


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
        raise fail(VisaErrorCode.INCOMPLETE, missing=", ".join(missing))


def check_rules(step: Step[VisaApplication]) -> None:
    """No one pays for a certain rejection: a rule that does not pass refuses the submit."""
    verdicts = rules.verdicts_of(_facts(step))
    failing = [v for v in verdicts if v.status in (rules.Status.FAIL, rules.Status.NEEDS_INFO)]
    if failing:
        # Each verdict is a sentence with its own full stop; the list ends with one.
        raise fail(
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
        raise fail(VisaErrorCode.REASON_REQUIRED)


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


# --- Notices ------------------------------------------------------------------------------------


def notice_values(step: Step[VisaApplication]) -> dict[str, str]:
    application = step.obj
    return {
        "ref": application.reference,
        "visa": application.visa_number or "",
        "bill": str(step.details.get("bill_number", "")),
        "fix_by": application.fix_by.isoformat() if application.fix_by else "",
    }


SUBMITTED = Notice(_("Request %(ref)s was submitted. Pay bill %(bill)s to continue."))
IN_REVIEW = Notice(_("Request %(ref)s is paid and in quality check. We tell you the decision."))
ISSUED = Notice(_("Your visa for request %(ref)s is issued. Visa number %(visa)s."))
REJECTED = Notice(
    _("Request %(ref)s was not approved. You can fix it and ask for a re-check until %(fix_by)s.")
)
CANCELLED = Notice(_("Visa %(visa)s was cancelled. The fee is refunded."))
EXPIRED = Notice(_("Visa %(visa)s has expired."))
BACK_TO_DRAFT = Notice(
    _("The bill of request %(ref)s expired unpaid. You can edit the request and submit it again.")
)


def refused(application: VisaApplication) -> str | Promise:
    return _("This request cannot do that now (it is “%(state)s”).") % {
        "state": VisaState(application.state).label
    }


# --- The table ------------------------------------------------------------------------------------

A = Action
REVIEWER = staff(DECIDE_VISA_APPLICATIONS)

MACHINE: Machine[VisaApplication] = Machine(
    name="visa",
    model=VisaApplication,
    rows=[
        Row(
            S.DRAFT,
            A.UPDATE,
            S.DRAFT,
            OWNER,
            effects=(edit_draft,),
            audit_action=UPDATED,
            timeline=_("Request edited"),
            button=_("Continue the request"),
        ),
        Row(
            S.DRAFT,
            A.SUBMIT,
            S.AWAITING_PAYMENT,
            OWNER,
            effects=(check_complete, check_rules, price, issue_bill),
            lock_first=owner_first,
            notice=SUBMITTED,
            timeline=_("Submitted; bill issued"),
            button=_("Submit the request"),
        ),
        Row(
            S.DRAFT,
            A.SUBMIT_EXEMPT,  # chosen by the submit service when the fee is nothing
            S.PAID,
            OWNER,
            effects=(check_complete, check_rules, price),
            lock_first=owner_first,
            timeline=_("Submitted (fee exempt)"),
        ),
        Row(
            S.DRAFT,
            A.WITHDRAW,
            S.WITHDRAWN,
            OWNER,
            effects=(discard_documents,),
            timeline=_("Draft discarded"),
            button=_("Discard this draft"),
        ),
        Row(
            S.AWAITING_PAYMENT,
            A.PAY,
            S.PAID,
            SYSTEM,  # the payment callback (the bill's handler)
            effects=(note_bill, note_amount_paid),
            timeline=_("Fee paid"),
        ),
        Row(
            S.AWAITING_PAYMENT,
            A.BILL_EXPIRE,
            S.DRAFT,
            SYSTEM,  # the bills' expiry job
            effects=(note_bill,),
            notice=BACK_TO_DRAFT,
            timeline=_("Bill expired unpaid; back to draft"),
        ),
        Row(
            S.PAID,
            A.ISSUE,
            S.ISSUED,
            SYSTEM,  # the rules engine: every rule passes
            effects=(record_verdicts, give_numbers),
            after_save=(draw_evisa,),
            notice=ISSUED,
            timeline=_("Visa issued automatically"),
        ),
        Row(
            S.PAID,
            A.REFER,
            S.IN_REVIEW,
            SYSTEM,  # the rules engine: a document a person must read
            effects=(record_verdicts,),
            notice=IN_REVIEW,
            timeline=_("Sent to quality check"),
        ),
        Row(
            S.PAID,
            A.REJECT,
            S.REJECTED,
            SYSTEM,  # the rules engine: a rule does not pass
            effects=(record_verdicts, set_fix_by, note_failed_rules),
            notice=REJECTED,
            timeline=_("Not approved by the rules"),
        ),
        Row(
            S.IN_REVIEW,
            A.APPROVE,
            S.ISSUED,
            REVIEWER,
            effects=(give_numbers,),
            after_save=(draw_evisa,),
            notice=ISSUED,
            timeline=_("Approved in quality check; visa issued"),
            button=_("Approve: the visa is issued"),
        ),
        Row(
            S.IN_REVIEW,
            A.DECLINE,
            S.REJECTED,
            REVIEWER,
            effects=(needs_reason, set_fix_by),
            notice=REJECTED,
            timeline=_("Rejected in quality check"),
            button=_("Reject: the beneficiary may fix it and ask for a re-check"),
        ),
        Row(
            S.REJECTED,
            A.RECHECK,
            S.PAID,  # and decided again at once, without a new fee
            OWNER,
            guards=(fix_window_open,),
            lock_first=owner_first,
            timeline=_("Re-check asked"),
            button=_("Ask for a re-check"),
        ),
        Row(
            S.ISSUED,
            A.CANCEL,
            S.CANCELLED,
            OWNER,
            guards=(not_past_expiry,),
            after_save=(draw_evisa, refund_fee),
            notice=CANCELLED,
            timeline=_("Visa cancelled"),
            button=_("Cancel this visa"),
        ),
        Row(
            S.ISSUED,
            A.EXPIRE,
            S.EXPIRED,
            SYSTEM,  # the daily expiry job
            after_save=(draw_evisa,),
            notice=EXPIRED,
            timeline=_("Visa expired"),
        ),
    ],
    edit_action=A.UPDATE,
    refused=refused,
    notice_values=notice_values,
    notice_subject=_("Musaned visa request %(ref)s"),
    # The request's history also reads its creation and its bills' own lines.
    labels={"visa.created": _("Request started"), **BILL_MACHINE.labels},
    owner_labels={"visa.created": _("Request started"), **BILL_MACHINE.owner_labels},
    notify=notify,
)

EDITABLE_STATES = MACHINE.editable
TERMINAL_STATES = MACHINE.terminal
# States that count against the number of visas a person may hold (the capacity tiers).
# Not derived from the table: a draft and a rejected request can still move, yet hold
# nothing; a request awaiting payment or paid holds its place until it is decided.
ACTIVE_STATES = frozenset({S.AWAITING_PAYMENT, S.PAID, S.IN_REVIEW, S.ISSUED})


def actions_of(application: VisaApplication, actor: User | None) -> dict[str, Row]:
    """The rows ``actor`` may take on ``application`` now, by action (what the pages'
    buttons show: ``actions.cancel.button``)."""
    return {str(row.action): row for row in MACHINE.actions_for(application, actor)}


def guard_refusal(
    application: VisaApplication, actor: User | None, action: str
) -> ApplicationError | None:
    """Why ``actor`` cannot take ``action`` now although the table allows it (a guard's
    refusal: the fix-by date passed, the visa is past its expiry date), or ``None``."""
    row = MACHINE.row(MACHINE.state_of(application), action)
    if row is None or not MACHINE.may(row, application, actor):
        return None
    return MACHINE.refusal(row, application, actor)
