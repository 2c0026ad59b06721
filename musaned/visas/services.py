"""Every write to visa applications and their e-visa files.

Each runs in one transaction and moves an application only through
``musaned.core.workflow.transition`` along the rows of ``workflow.py``, which checks who
acts, runs the row's effects, writes the audit row and queues the notice (sent after
commit). Rows are locked only through ``musaned.core.locks``, in its order: the owner,
the application, its bill.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from musaned.accounts.models import User
from musaned.core import locks
from musaned.core.audit import audit
from musaned.core.digits import mask_id, normalize_digits
from musaned.core.errors import InvalidTransition
from musaned.core.numbering import unique_number
from musaned.core.workflow import transition
from musaned.payments.models import Bill
from musaned.visas import inquiry, rules
from musaned.visas.effects import EDITABLE_FIELDS, owner_first, owner_rows
from musaned.visas.errors import (  # noqa: F401 (re-exported for callers)
    VisaError,
    VisaErrorCode,
    VisaLimitReached,
    visa_error,
)
from musaned.visas.models import EvisaDocument, VisaApplication, VisaState, evisa_upload_to
from musaned.visas.permissions import DECIDE_VISA_APPLICATIONS
from musaned.visas.presenters import VisaCard
from musaned.visas.workflow import EDITABLE_STATES, MACHINE, Action

C = VisaErrorCode


def visa_application_create(*, owner: User) -> VisaApplication:
    """A new draft with its request number.

    Raises ``VisaLimitReached`` (409) when the owner already has
    ``MUSANED_MAX_DRAFTS_PER_ACCOUNT`` drafts, or started
    ``MUSANED_NEW_REQUESTS_PER_DAY`` requests in the last 24 hours. The owner's row
    is locked first, so parallel creations cannot together pass either cap.
    Audit: ``visa.created``.
    """
    with transaction.atomic():
        locks.lock_all(owner_rows(owner.pk))
        _check_caps(owner)
        application = VisaApplication.objects.create(
            owner=owner,
            reference=unique_number(
                10, lambda n: VisaApplication.objects.filter(reference=n).exists()
            ),
        )
        audit("visa.created", actor=owner, target=application)
    return application


def _check_caps(owner: User) -> None:
    """Inside the caller's transaction, with the owner's row locked."""
    rows = VisaApplication.objects.filter(owner=owner)
    most = settings.MUSANED_MAX_DRAFTS_PER_ACCOUNT
    if rows.filter(state=VisaState.DRAFT).count() >= most:
        raise visa_error(C.TOO_MANY_DRAFTS, count=most)
    per_day = settings.MUSANED_NEW_REQUESTS_PER_DAY
    since = timezone.now() - dt.timedelta(days=1)
    if rows.filter(created_at__gte=since).count() >= per_day:
        raise visa_error(C.TOO_MANY_NEW_REQUESTS, count=per_day)


def visa_application_update(
    *, application: VisaApplication, actor: User, **fields: Any
) -> VisaApplication:
    """Change a draft (the ``update`` row). Only the fields a person may edit; status and
    fee never (``ValueError``); a request that is no longer a draft is ``not_editable``.

    A document that replaces another is stored with the row; the one it replaces is
    removed from storage after commit (a rollback keeps it, and removes the new one).
    Audit: ``visa.updated`` with the names of the fields.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    written: list[str] = []  # files this update stored: removed again if it rolls back
    try:
        with transaction.atomic():
            locked = locks.lock(application)
            if locked.state not in EDITABLE_STATES:
                raise visa_error(C.NOT_EDITABLE)
            return transition(
                obj=locked, action=Action.UPDATE, actor=actor, fields=fields, written=written
            )
    except BaseException:
        storage = VisaApplication.proof_document.field.storage
        for name in written:
            storage.delete(name)
        raise


def visa_application_submit(*, application: VisaApplication, actor: User) -> VisaApplication:
    """Submit a complete draft: a bill to pay, or (fee exempt) the decision at once.

    Refused, with no bill, when anything is missing (``incomplete``) or any rule fails
    (``rule_failed``) — no one pays for a certain rejection. The owner's row is locked
    first, so parallel submissions cannot together pass the number of visas allowed.
    """
    with transaction.atomic():
        locks.lock_all(owner_first(application))
        application = locks.lock(application)
        if application.state not in EDITABLE_STATES:
            raise InvalidTransition("invalid_transition", _("This request was already submitted."))
        facts = rules.gather(user=application.owner, application=application)
        exempt = rules.fee_for(facts) == Decimal("0")
        application = transition(
            obj=application,
            action=Action.SUBMIT_EXEMPT if exempt else Action.SUBMIT,
            actor=actor,
            facts=facts,
        )
        if application.state == VisaState.PAID:  # nothing to pay: decided at once
            return _decide(application, today=facts.today)
        return application


def _decide(application: VisaApplication, *, today: dt.date | None = None) -> VisaApplication:
    """The rules engine's decision on a paid application (inside the caller's transaction):
    a rule that does not pass rejects, a document to read refers to quality check, and
    otherwise the visa is issued."""
    facts = rules.gather(
        user=application.owner, application=application, today=today or timezone.localdate()
    )
    verdicts = rules.verdicts_of(facts)
    failed = [v.rule for v in verdicts if v.status in (rules.Status.FAIL, rules.Status.NEEDS_INFO)]
    to_read = any(v.status == rules.Status.REVIEW for v in verdicts)
    return transition(
        obj=application,
        action=Action.REJECT if failed else Action.REFER if to_read else Action.ISSUE,
        actor=None,
        facts=facts,
        verdicts=verdicts,
        failed_rules=failed,
    )


def visa_application_paid(bill: Bill) -> None:
    """The payment port's handler, inside the callback's transaction (which locked the
    application before the bill): paid, then decided."""
    application = locks.lock_pk(VisaApplication, int(bill.subject_id))
    application = transition(obj=application, action=Action.PAY, actor=None, bill=bill)
    _decide(application)


def visa_application_bill_expired(bill: Bill) -> None:
    """The payment port's handler when a bill lapses unpaid: the request is a draft again
    (the table says from which state; from any other nothing changes)."""
    application = locks.lock_pk(VisaApplication, int(bill.subject_id))
    if MACHINE.row(application.state, Action.BILL_EXPIRE) is not None:
        transition(obj=application, action=Action.BILL_EXPIRE, actor=None, bill=bill)


def visa_application_review(
    *, application: VisaApplication, actor: User, approve: bool, reason: str = ""
) -> VisaApplication:
    """A reviewer's decision on an application in quality check: approve (the visa is
    issued) or decline with a reason (``reason_required``), which the owner reads.

    Raises ``VisaError`` (``not_allowed``) without ``visas.decide_visaapplication``, and
    ``InvalidTransition`` (409) for a request no longer in quality check.
    """
    if not actor.has_perm(DECIDE_VISA_APPLICATIONS):
        raise visa_error(C.NOT_ALLOWED)
    return transition(
        obj=application,
        action=Action.APPROVE if approve else Action.DECLINE,
        actor=actor,
        reason=reason,
    )


def visa_application_recheck(*, application: VisaApplication, actor: User) -> VisaApplication:
    """After fixing the cause, decide again without paying again, until ``fix_by``
    (``fix_window_closed`` after it). The owner's row is locked first (as in submit):
    parallel re-checks of two rejected requests cannot together pass the number of
    visas allowed."""
    with transaction.atomic():
        application = transition(obj=application, action=Action.RECHECK, actor=actor)
        return _decide(application)


def visa_cancel(*, application: VisaApplication, actor: User) -> VisaApplication:
    """Cancel an issued, unused visa that is not past its expiry date (``expired``); the
    fee is refunded through the payment port in the same transaction."""
    return transition(obj=application, action=Action.CANCEL, actor=actor)


def visa_application_withdraw(*, application: VisaApplication, actor: User) -> VisaApplication:
    """Discard a draft. Its documents are removed from storage after commit: nobody
    reviews a discarded draft, and a bank statement is personal data."""
    return transition(obj=application, action=Action.WITHDRAW, actor=actor)


def visas_expire(*, today: dt.date | None = None) -> int:
    """Issued visas past their expiry date become expired. Safe to run twice."""
    today = today or timezone.localdate()
    due = VisaApplication.objects.filter(state=VisaState.ISSUED, expires_on__lt=today)
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            application = locks.lock_where(due.filter(pk=pk))  # still due, under the lock
            if application is not None:
                transition(obj=application, action=Action.EXPIRE, actor=None)
                count += 1
    return count


# --- The e-visa file -------------------------------------------------------------------------


def evisa_store(*, application: VisaApplication, verify_url: str) -> bytes:
    """Draw the e-visa PDF (outside any transaction: it takes a moment) and keep it as
    the application's ``EvisaDocument`` for its state; returns the PDF. Called by the
    ``render_evisa`` task (``tasks.py``), never by a page.

    If the application changed state while drawing, the file is not kept (the next task
    draws the new state). The file it replaces is removed after commit.
    """
    from musaned.visas import evisa  # fpdf2 and HarfBuzz load only when drawing

    pdf = evisa.render_evisa_pdf(application, verify_url=verify_url)
    name = default_storage.save(evisa_upload_to(None, "e-visa.pdf"), ContentFile(pdf))
    with transaction.atomic():
        current = locks.lock(application)
        if current.state != application.state:
            transaction.on_commit(lambda: default_storage.delete(name))
            return pdf
        document = EvisaDocument.objects.filter(application=current).first()
        old_name = document.file.name if document else None
        if document is None:
            document = EvisaDocument(application=current)
        document.state, document.file.name = current.state, name
        document.save()
        if old_name and old_name != name:
            transaction.on_commit(lambda: default_storage.delete(old_name))
    return pdf


def visa_inquiry_public(*, issued_number: str, national_id: str) -> VisaCard | None:
    """The public inquiry: the card of the visa with this issued number *and* this sponsor
    ID, or None. "No such visa" and "the numbers do not match" give the same None, so the
    answer never tells whether an issued number exists. Every inquiry is audited
    (``visa.inquiry``) with the ID masked.

    One INSERT besides the lookup: it commits by itself (autocommit) or with the caller's
    transaction; a block of its own would add BEGIN and COMMIT, two more round trips, for
    one statement on the hottest path (docs/performance.md).
    """
    application = inquiry.visa_by_issued_number(
        issued_number=issued_number, national_id=national_id
    )
    audit(
        "visa.inquiry",
        target=application,
        national_id=mask_id(normalize_digits(national_id)),
        found=application is not None,
    )
    return inquiry.card_of(application) if application is not None else None
