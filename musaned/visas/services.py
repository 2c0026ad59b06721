"""Every write to visa applications. Each runs in one transaction, moves state only
through ``transition`` (which checks workflow.TRANSITIONS), audits, and
notifies after commit."""

import datetime as dt
import secrets
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from musaned.core.audit import audit
from musaned.core.errors import ApplicationError, InvalidTransition
from musaned.core.numbering import unique_number
from musaned.core.uploads import check_upload, delete_after_commit
from musaned.notifications.services import notify
from musaned.visas import rules
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tasks import evisa_render_later
from musaned.visas.workflow import EDITABLE_STATES, Action, Actor, target

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


class VisaErrorCode(StrEnum):
    NOT_EDITABLE = "not_editable"
    INCOMPLETE = "incomplete"
    RULE_FAILED = "rule_failed"
    FIX_WINDOW_CLOSED = "fix_window_closed"
    NOT_ALLOWED = "not_allowed"
    EXPIRED = "expired"
    TOO_MANY_DRAFTS = "too_many_drafts"
    TOO_MANY_NEW_REQUESTS = "too_many_new_requests"


class VisaError(ApplicationError):
    pass


class VisaLimitReached(VisaError):
    """A per-account cap (drafts at once, new requests a day): 409 in the API."""

    status = 409


_STATE_NOTICES = {
    VisaState.AWAITING_PAYMENT: _("Request %(ref)s was submitted. Pay bill %(bill)s to continue."),
    VisaState.IN_REVIEW: _(
        "Request %(ref)s is paid and in quality check. We tell you the decision."
    ),
    VisaState.ISSUED: _("Your visa for request %(ref)s is issued. Visa number %(visa)s."),
    VisaState.REJECTED: _(
        "Request %(ref)s was not approved. You can fix it and ask for a re-check until %(fix_by)s."
    ),
    VisaState.CANCELLED: _("Visa %(visa)s was cancelled. The fee is refunded."),
    VisaState.EXPIRED: _("Visa %(visa)s has expired."),
    VisaState.DRAFT: _(
        "The bill of request %(ref)s expired unpaid. You can edit the request and submit it again."
    ),
}


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def transition(
    *, application: VisaApplication, action: Action, actor, actor_kind: Actor, **data
) -> VisaApplication:
    """Move the (already locked) application along the state table, audit it, notify.

    Raises ``InvalidTransition`` (HTTP 409) for a pair not in the table or the
    wrong kind of actor; nothing changes then.
    """
    found = target(application.state, action)
    if found is None or found[1] != actor_kind:
        raise InvalidTransition(
            "invalid_transition",
            _("This request cannot do that now (it is “%(state)s”).")
            % {"state": VisaState(application.state).label},
        )
    old = application.state
    application.state = found[0]
    application.save(update_fields=[*data.pop("update_fields", []), "state", "updated_at"])
    audit(
        f"visa.{action}",
        actor=actor,
        target=application,
        old=old,
        new=application.state,
        **data,
    )
    notice = _STATE_NOTICES.get(VisaState(application.state))
    if notice is not None and application.state != VisaState.PAID:
        notify(
            user=application.owner,
            subject=_("Musaned visa request %(ref)s") % {"ref": application.reference},
            body=_LazyFormat(notice, application, data.get("bill_number", "")),
        )
    # Issue 6: an issued, cancelled or expired visa's PDF is drawn by a task after commit.
    evisa_render_later(application)
    return application


class _LazyFormat:
    """Formats a notice when it is rendered, i.e. in the recipient's language."""

    def __init__(self, template, application: VisaApplication, bill: str):
        self.template, self.application, self.bill = template, application, bill

    def __str__(self) -> str:
        a = self.application
        return str(self.template) % {
            "ref": a.reference,
            "visa": a.visa_number or "",
            "bill": self.bill,
            "fix_by": a.fix_by.isoformat() if a.fix_by else "",
        }


def _lock(application: VisaApplication) -> VisaApplication:
    return VisaApplication.objects.select_for_update().get(pk=application.pk)


def visa_application_create(*, owner) -> VisaApplication:
    """A new draft with its request number.

    Raises ``VisaLimitReached`` (409) when the owner already has
    ``MUSANED_MAX_DRAFTS_PER_ACCOUNT`` drafts, or started
    ``MUSANED_NEW_REQUESTS_PER_DAY`` requests in the last 24 hours. The owner's row
    is locked first, so parallel creations cannot together pass either cap.
    """
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
        _check_caps(owner)
        application = VisaApplication.objects.create(
            owner=owner,
            reference=unique_number(
                10, lambda n: VisaApplication.objects.filter(reference=n).exists()
            ),
        )
        audit("visa.created", actor=owner, target=application)
    return application


def _check_caps(owner) -> None:
    """Inside the caller's transaction, with the owner's row locked."""
    rows = VisaApplication.objects.filter(owner=owner)
    most = settings.MUSANED_MAX_DRAFTS_PER_ACCOUNT
    if rows.filter(state=VisaState.DRAFT).count() >= most:
        raise VisaLimitReached(
            VisaErrorCode.TOO_MANY_DRAFTS,
            ngettext(
                "You already have %(count)s unsubmitted request. Finish or discard it "
                "before starting another.",
                "You already have %(count)s unsubmitted requests. Finish or discard one "
                "before starting another.",
                most,
            )
            % {"count": most},
        )
    per_day = settings.MUSANED_NEW_REQUESTS_PER_DAY
    since = timezone.now() - dt.timedelta(days=1)
    if rows.filter(created_at__gte=since).count() >= per_day:
        raise VisaLimitReached(
            VisaErrorCode.TOO_MANY_NEW_REQUESTS,
            ngettext(
                "You can start %(count)s visa request a day. Continue one you started, or "
                "try again tomorrow.",
                "You can start %(count)s visa requests a day. Continue one you started, or "
                "try again tomorrow.",
                per_day,
            )
            % {"count": per_day},
        )


def visa_application_update(*, application: VisaApplication, actor, **fields) -> VisaApplication:
    """Change a draft. Only the fields a person may edit; status and fee never.

    A document that replaces another is stored with the row; the one it replaces is
    removed from storage after commit (a rollback keeps it, and removes the new one).
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    written: list[str] = []  # files this update stored: removed again if it rolls back
    try:
        with transaction.atomic():
            application = _lock(application)
            if application.state not in EDITABLE_STATES:
                raise VisaError(VisaErrorCode.NOT_EDITABLE, _("Only a draft can be changed."))
            changed = set(fields)
            for name, value in fields.items():
                if name not in DOCUMENT_FIELDS:
                    setattr(application, name, value)
            for name in DOCUMENT_FIELDS:  # last: the type found by content wins
                if name in fields:
                    _replace_document(application, name, fields[name], written)
                    changed.add(f"{name}_type")
            application.save(update_fields=[*sorted(changed), "updated_at"])
            audit("visa.updated", actor=actor, target=application, fields=sorted(fields))
    except BaseException:
        storage = VisaApplication._meta.get_field("proof_document").storage
        for name in written:
            storage.delete(name)
        raise
    return application


def _replace_document(application: VisaApplication, name: str, value, written: list) -> None:
    """Put ``value`` (an upload, a stored name, or nothing) in the document field ``name``
    and its type in ``<name>_type``; the file it replaces goes after commit. An upload
    that no form checked is checked here (``UploadRefused``)."""
    old = getattr(application, name)
    old_name = old.name if old else ""
    if hasattr(value, "read"):  # an upload: checked (if no form did) and stored now
        value = check_upload(value)
        setattr(application, f"{name}_type", value.sniffed_type)
    elif not value:
        setattr(application, f"{name}_type", "")
    setattr(application, name, value)
    new = getattr(application, name)
    if new and not new._committed:  # stored before the row, so a failure can remove it
        new.save(value.name or "document", value, save=False)
        written.append(new.name)
    if old_name and old_name != (new.name if new else ""):
        delete_after_commit(old_name, old.storage)


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
    if (
        application.occupation_id
        and application.occupation.needs_document
        and not application.occupation_document
    ):
        missing.append(str(application.occupation.document_name))
    if not application.declaration:
        missing.append(str(_("the declaration")))
    return missing


def visa_application_submit(*, application: VisaApplication, actor) -> VisaApplication:
    """Submit a complete draft: a bill to pay, or (fee exempt) the decision at once.

    Refused, with no bill, when anything is missing or any rule fails — no one
    pays for a certain rejection. The owner's row is locked first, so parallel
    submissions cannot together pass the number of visas allowed.
    """
    from musaned.payments.services import bill_create

    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=application.owner_id).first()
        application = _lock(application)
        if application.state not in EDITABLE_STATES:
            raise InvalidTransition("invalid_transition", _("This request was already submitted."))
        if missing := missing_parts(application):
            raise VisaError(
                VisaErrorCode.INCOMPLETE,
                _("Complete the request first: %(missing)s.") % {"missing": ", ".join(missing)},
            )
        facts = rules.gather(user=application.owner, application=application)
        verdicts = [v for rule in rules.RULES if (v := rule(facts)) is not None]
        failing = [v for v in verdicts if v.status in (rules.Status.FAIL, rules.Status.NEEDS_INFO)]
        if failing:
            raise VisaError(
                VisaErrorCode.RULE_FAILED,
                _("Not submitted, and no fee taken: %(rules)s.")
                # Each verdict is a sentence with its own full stop; the list ends with one.
                % {"rules": "; ".join(str(v.message).rstrip(". ") for v in failing)},
            )
        application.rule_set = facts.rule_set
        application.fee = rules.fee_for(facts)
        application.submitted_at = timezone.now()
        fields = ["rule_set", "fee", "submitted_at"]
        if application.fee == Decimal("0"):
            transition(
                application=application,
                action=Action.SUBMIT_EXEMPT,
                actor=actor,
                actor_kind=Actor.OWNER,
                update_fields=fields,
                fee="0",
            )
            return _decide(application, today=facts.today)
        bill = bill_create(
            owner=application.owner,
            subject=application,
            amount=application.fee,
            description=_bill_description(application.reference),
            due_at=timezone.now() + dt.timedelta(days=facts.rule_set.payment_days),
        )
        return transition(
            application=application,
            action=Action.SUBMIT,
            actor=actor,
            actor_kind=Actor.OWNER,
            update_fields=fields,
            bill_number=bill.number,
            fee=str(application.fee),
        )


def _bill_description(reference: str) -> str:
    """Both languages: the provider's page is not in the portal's language."""
    parts = []
    for language in ("ar", "en"):
        with translation.override(language):
            parts.append(str(_("Musaned visa request %(ref)s") % {"ref": reference}))
    return " / ".join(parts)


def _decide(application: VisaApplication, *, today: dt.date | None = None) -> VisaApplication:
    """The rules engine's decision on a paid application (inside the caller's transaction)."""
    today = today or timezone.localdate()
    facts = rules.gather(user=application.owner, application=application, today=today)
    verdicts = [v for rule in rules.RULES if (v := rule(facts)) is not None]
    application.verdicts = [v.as_dict() for v in verdicts]
    application.decided_at = timezone.now()
    failed = [v.rule for v in verdicts if v.status in (rules.Status.FAIL, rules.Status.NEEDS_INFO)]
    if failed:
        application.fix_by = today + dt.timedelta(days=facts.rule_set.fix_window_days)
        return transition(
            application=application,
            action=Action.REJECT,
            actor=None,
            actor_kind=Actor.SYSTEM,
            update_fields=["verdicts", "decided_at", "fix_by"],
            failed_rules=failed,
        )
    if any(v.status == rules.Status.REVIEW for v in verdicts):
        return transition(
            application=application,
            action=Action.REFER,
            actor=None,
            actor_kind=Actor.SYSTEM,
            update_fields=["verdicts", "decided_at"],
        )
    _give_numbers(application, today=today, validity_months=facts.rule_set.validity_months)
    return transition(
        application=application,
        action=Action.ISSUE,
        actor=None,
        actor_kind=Actor.SYSTEM,
        update_fields=[
            "verdicts",
            "decided_at",
            "visa_number",
            "issued_number",
            "issued_on",
            "expires_on",
            "verification_token",
        ],
    )


def _give_numbers(application: VisaApplication, *, today: dt.date, validity_months: int) -> None:
    rows = VisaApplication.objects
    application.visa_number = unique_number(
        10, lambda n: rows.filter(visa_number=n).exists(), prefix="9"
    )
    application.issued_number = unique_number(
        10, lambda n: rows.filter(issued_number=n).exists(), prefix="4"
    )
    application.issued_on = today
    application.expires_on = _add_months(today, validity_months)
    application.verification_token = secrets.token_urlsafe(32)


def visa_application_paid(bill) -> None:
    """The payment port's handler: called inside the callback's transaction."""
    application = VisaApplication.objects.select_for_update().get(pk=int(bill.subject_id))
    transition(
        application=application,
        action=Action.PAY,
        actor=None,
        actor_kind=Actor.SYSTEM,
        bill_number=bill.number,
        amount=str(bill.amount),
    )
    _decide(application)


def visa_application_bill_expired(bill) -> None:
    application = VisaApplication.objects.select_for_update().get(pk=int(bill.subject_id))
    if application.state == VisaState.AWAITING_PAYMENT:
        transition(
            application=application,
            action=Action.BILL_EXPIRE,
            actor=None,
            actor_kind=Actor.SYSTEM,
            bill_number=bill.number,
        )


def visa_application_review(
    *, application: VisaApplication, actor, approve: bool, reason: str = ""
) -> VisaApplication:
    """A reviewer's decision on an application in quality check."""
    if not actor.has_perm("visas.decide_visaapplication"):
        raise VisaError(
            VisaErrorCode.NOT_ALLOWED,
            _("You need the permission “decide visa applications”."),
        )
    with transaction.atomic():
        application = _lock(application)
        if approve:
            rule_set = application.rule_set
            _give_numbers(
                application,
                today=timezone.localdate(),
                validity_months=rule_set.validity_months if rule_set else 24,
            )
            return transition(
                application=application,
                action=Action.APPROVE,
                actor=actor,
                actor_kind=Actor.REVIEWER,
                update_fields=[
                    "visa_number",
                    "issued_number",
                    "issued_on",
                    "expires_on",
                    "verification_token",
                ],
                reason=reason,
            )
        if not reason:
            raise VisaError(VisaErrorCode.INCOMPLETE, _("Give the reason for the rejection."))
        window = application.rule_set.fix_window_days if application.rule_set else 4
        application.fix_by = timezone.localdate() + dt.timedelta(days=window)
        return transition(
            application=application,
            action=Action.DECLINE,
            actor=actor,
            actor_kind=Actor.REVIEWER,
            update_fields=["fix_by"],
            reason=reason,
        )


def visa_application_recheck(*, application: VisaApplication, actor) -> VisaApplication:
    """After fixing the cause, decide again without paying again, until ``fix_by``."""
    with transaction.atomic():
        # The owner's row first (as in submit): parallel re-checks of two rejected requests
        # cannot together pass the number of visas allowed.
        get_user_model().objects.select_for_update().filter(pk=application.owner_id).first()
        application = _lock(application)
        if application.state == VisaState.REJECTED and (
            application.fix_by is None or timezone.localdate() > application.fix_by
        ):
            raise VisaError(
                VisaErrorCode.FIX_WINDOW_CLOSED,
                _("The time to fix this request has passed. Start a new request."),
            )
        transition(
            application=application, action=Action.RECHECK, actor=actor, actor_kind=Actor.OWNER
        )
        return _decide(application)


def visa_cancel(*, application: VisaApplication, actor) -> VisaApplication:
    """Cancel an issued, unused, unexpired visa; the fee is refunded through the payment port."""
    from musaned.payments.selectors import bill_for
    from musaned.payments.services import bill_refund

    with transaction.atomic():
        application = _lock(application)
        if application.state == VisaState.ISSUED and application.expires_on < timezone.localdate():
            raise VisaError(VisaErrorCode.EXPIRED, _("This visa has expired."))
        transition(
            application=application, action=Action.CANCEL, actor=actor, actor_kind=Actor.OWNER
        )
        bill = bill_for(application)
        if bill is not None and bill.state == "paid":
            bill_refund(bill=bill, actor=actor, reason=f"visa {application.visa_number} cancelled")
        return application


def visa_application_withdraw(*, application: VisaApplication, actor) -> VisaApplication:
    """Discard a draft. Its documents are removed from storage after commit: nobody
    reviews a discarded draft, and a bank statement is personal data."""
    with transaction.atomic():
        application = _lock(application)
        documents = [getattr(application, name) for name in DOCUMENT_FIELDS]
        documents = [(document.name, document.storage) for document in documents if document]
        cleared = []
        for name in DOCUMENT_FIELDS:
            setattr(application, name, "")
            setattr(application, f"{name}_type", "")
            cleared += [name, f"{name}_type"]
        transition(
            application=application,
            action=Action.WITHDRAW,
            actor=actor,
            actor_kind=Actor.OWNER,
            update_fields=cleared,
            documents_removed=len(documents),
        )
        for name, storage in documents:
            delete_after_commit(name, storage)
        return application


def visas_expire(*, today: dt.date | None = None) -> int:
    """Issued visas past their expiry date become expired. Safe to run twice."""
    today = today or timezone.localdate()
    count = 0
    due = VisaApplication.objects.filter(state=VisaState.ISSUED, expires_on__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            application = VisaApplication.objects.select_for_update().get(pk=pk)
            if application.state == VisaState.ISSUED and application.expires_on < today:
                transition(
                    application=application,
                    action=Action.EXPIRE,
                    actor=None,
                    actor_kind=Actor.SYSTEM,
                )
                count += 1
    return count
