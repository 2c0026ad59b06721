"""The visa application's workflow: one row per ``(state, action)`` with who may take it,
the small named effects it runs (``effects.py``), its notice, its timeline line and its
button.

Only ``musaned.core.workflow.transition`` moves an application (docs/visas.md, "The state
table"): it refuses a pair that is not here, or an actor the row does not admit, with
``InvalidTransition`` (HTTP 409) and nothing changed. The services in ``services.py``
say which action to take (the rules engine's decision, the fee) and pass what the
effects need (``facts``, ``verdicts``, the ``bill``) as the transition's payload.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core.errors import ApplicationError, Text
from musaned.core.workflow import OWNER, SYSTEM, Machine, Notice, Row, Step, staff
from musaned.notifications.services import notify
from musaned.payments.workflow import MACHINE as BILL_MACHINE
from musaned.visas.effects import (
    check_complete,
    check_rules,
    discard_documents,
    draw_evisa,
    edit_draft,
    fix_window_open,
    give_numbers,
    issue_bill,
    needs_reason,
    not_in_use,
    not_past_expiry,
    note_amount_paid,
    note_bill,
    note_failed_rules,
    owner_first,
    price,
    record_verdicts,
    refund_fee,
    set_fix_by,
    tell_uses,
)
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.permissions import DECIDE_VISA_APPLICATIONS

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


# The audit action of a draft's edits (the owner's timeline leaves them out).
UPDATED = "visa.updated"


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


def refused(application: VisaApplication) -> Text:
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
            after_save=(tell_uses,),
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
            after_save=(draw_evisa, tell_uses),
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
            after_save=(tell_uses,),
            notice=REJECTED,
            timeline=_("Not approved by the rules"),
        ),
        Row(
            S.IN_REVIEW,
            A.APPROVE,
            S.ISSUED,
            REVIEWER,
            effects=(give_numbers,),
            after_save=(draw_evisa, tell_uses),
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
            after_save=(tell_uses,),
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
            guards=(not_past_expiry, not_in_use),
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
