"""The staff back office: complaint queues and actions, the visa quality check, audit trails.

Every page is staff-only through ``access.permission_required`` (404 for anyone else,
403 for staff without the permission). The permission check wraps the method check,
so a citizen gets the same 404 for every method. Every staff view of a beneficiary's
record (page, file or audit trail) writes a ``backoffice.*_viewed`` audit row.
Statistics live in ``stats_views``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.backoffice import selectors
from musaned.backoffice.access import permission_required
from musaned.backoffice.forms import (
    STAFF_ACTIONS,
    STAFF_STATE_LABELS,
    TABS,
    ComplaintActionForm,
    NoteForm,
    QualityDecisionForm,
    QueueFilterForm,
)
from musaned.backoffice.selectors import COMPLAINT_LABELS, VIEW_LABELS
from musaned.complaints import services
from musaned.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintMessage,
)
from musaned.complaints.workflow import (
    CLOCK_STATES,
    HANDLE,
    SUPERVISE,
    Action,
    actions_for,
    target,
)
from musaned.core.audit import audit
from musaned.core.errors import ApplicationError
from musaned.core.uploads import download_response
from musaned.identity.saudi_id import mask_id
from musaned.visas import rules
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.presenters import ACTION_LABELS as VISA_LABELS
from musaned.visas.services import visa_application_review

DECIDE = "visas.decide_visaapplication"
PER_PAGE = 25
AUDIT_PER_PAGE = 50
CONTENT_EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def _audit_trail(request, record, *, owner_id, labels, title, back_url, section):
    page = Paginator(
        selectors.events_for(record).order_by("-created_at", "-id"), AUDIT_PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/audit_trail.html",
        {
            "section": section,
            "title": title,
            "back_url": back_url,
            "page": page,
            "entries": selectors.entries(page.object_list, owner_id=owner_id, labels=labels),
        },
    )


# --- Complaint queues ---------------------------------------------------------------------


@permission_required(HANDLE)
@require_safe
def queue(request):
    """The complaint queues, one tab each, with filters and an exact search."""
    now = timezone.now()
    form = QueueFilterForm(request.GET)
    form.is_valid()  # an unknown filter value is shown as an error and ignored
    data = form.cleaned_data
    tab = data.get("tab") or next(iter(TABS))
    searched = data.get("q", "")
    rows = Complaint.objects.all()
    if searched:
        # A number or an ID is looked up exactly, across every tab.
        rows = rows.filter(Q(number=searched) | Q(owner__national_id=searched))
        audit(
            "backoffice.complaint_search",
            actor=request.user,
            query=mask_id(searched) if len(searched) == 10 else searched,
        )
    else:
        rows = rows.filter(selectors.tab_q(tab, user=request.user, now=now))
    if data.get("category"):
        rows = rows.filter(category=data["category"])
    if data.get("state"):
        rows = rows.filter(state=data["state"])
    newest_first = searched or tab == "all"
    rows = selectors.with_overdue(rows.select_related("owner", "assigned_to"), now).order_by(
        *(("-created_at", "-id") if newest_first else ("created_at", "id"))
    )
    counts = Complaint.objects.aggregate(
        **{
            name: Count("pk", filter=selectors.tab_q(name, user=request.user, now=now))
            for name in TABS
            if name != "all"
        }
    )
    tabs = [(name, label, counts.get(name)) for name, label in TABS.items()]
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for complaint in page.object_list:
        complaint.state_label = STAFF_STATE_LABELS[complaint.state]
    return render(
        request,
        "backoffice/queue.html",
        {
            "section": "complaints",
            "form": form,
            "tab": "" if searched else tab,
            "tab_label": TABS.get(tab) if not searched else _("Search results"),
            "tabs": tabs,
            "searched": searched,
            "page": page,
            "clock_states": sorted(CLOCK_STATES),
        },
    )


# --- One complaint --------------------------------------------------------------------------


def _allowed_actions(complaint: Complaint, user) -> list[Action]:
    """The staff actions the state table allows now and the user's permissions cover
    (an officer's actions not on a complaint another officer holds)."""
    held = services.held_by_another(complaint, user)
    allowed = []
    for action in actions_for(complaint.state):
        found = target(complaint.state, action)
        who = found[1] if found else None
        if who == HANDLE and held:
            continue
        if action in STAFF_ACTIONS and who in (HANDLE, SUPERVISE) and user.has_perm(who):
            allowed.append(action)
    return allowed


def _render_detail(request, complaint: Complaint, *, failed=None, note_form=None, status=200):
    """The staff page of one complaint. ``failed`` is an action form that came back with an
    error: it is shown with what was typed, even if the state has since moved on."""
    actions = _allowed_actions(complaint, request.user)
    action_forms = [
        failed
        if failed is not None and failed.action == action
        else ComplaintActionForm(action=action)
        for action in actions
    ]
    if failed is not None and failed.action not in actions:
        action_forms.insert(0, failed)
    conversation = list(
        ComplaintMessage.objects.filter(complaint=complaint)
        .select_related("author")
        .prefetch_related("attachments")
    )
    filed_with = list(ComplaintAttachment.objects.filter(complaint=complaint, message__isnull=True))
    timeline = selectors.timeline(complaint, owner_id=complaint.owner_id, labels=COMPLAINT_LABELS)
    audit("backoffice.complaint_viewed", actor=request.user, target=complaint)
    complaint.state_label = STAFF_STATE_LABELS[complaint.state]
    visa = complaint.visa
    return render(
        request,
        "backoffice/complaint_detail.html",
        {
            "section": "complaints",
            "complaint": complaint,
            "owner": complaint.owner,
            "visa": visa,
            "visa_link": visa is not None
            and visa.submitted_at is not None
            and request.user.has_perm(DECIDE),
            "conversation": conversation,
            "filed_with": filed_with,
            "timeline": timeline,
            "action_forms": action_forms,
            "failed": failed,
            "held_by": services.holder_name(complaint)
            if services.held_by_another(complaint, request.user)
            else "",
            "note_form": note_form or NoteForm(),
        },
        status=status,
    )


@permission_required(HANDLE)
@require_safe
def complaint_detail(request, number):
    return _render_detail(request, selectors.complaint_or_404(number))


SUCCESS = {
    Action.TAKE: gettext_lazy("You took complaint %(number)s."),
    Action.ANSWER: gettext_lazy("The answer was sent."),
    Action.ASK_INFO: gettext_lazy("The beneficiary was asked for information."),
    Action.RESOLVE: gettext_lazy("Complaint %(number)s is resolved."),
    Action.REJECT: gettext_lazy("Complaint %(number)s was rejected as out of scope."),
    Action.REASSIGN: gettext_lazy("Complaint %(number)s was reassigned."),
}


@permission_required(HANDLE)
@require_POST
def complaint_act(request, number):
    """Do one action of the state table through the complaint service (then PRG)."""
    complaint = selectors.complaint_or_404(number)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        action = None
    if action not in STAFF_ACTIONS:
        messages.error(request, _("Choose one of the actions on the page."))
        return _render_detail(request, complaint, status=400)
    found = target(complaint.state, action)
    if found and found[1] in (HANDLE, SUPERVISE) and not request.user.has_perm(found[1]):
        raise PermissionDenied  # e.g. an officer reassigning: a supervisor's action
    form = ComplaintActionForm(request.POST, action=action)
    if not form.is_valid():
        return _render_detail(request, complaint, failed=form, status=400)
    try:
        services.transition(
            complaint=complaint,
            action=action,
            actor=request.user,
            message=form.cleaned_data.get("message", ""),
            assign_to=form.cleaned_data.get("assign_to"),
        )
    except ApplicationError as exc:
        field = "message" if exc.code == "message_required" and "message" in form.fields else None
        form.add_error(field, exc.message)
        # The page shows the state as it is now, with the form as it was typed.
        return _render_detail(
            request, selectors.complaint_or_404(number), failed=form, status=exc.status
        )
    messages.success(request, SUCCESS[action] % {"number": complaint.number})
    return redirect("backoffice:complaint", number=complaint.number)


@permission_required(HANDLE)
@require_POST
def complaint_note(request, number):
    """An internal note: staff read it, the beneficiary never does."""
    complaint = selectors.complaint_or_404(number)
    form = NoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.complaint_note(
                complaint=complaint,
                actor=request.user,
                body=form.cleaned_data["body"],
            )
        except ApplicationError as exc:
            form.add_error("body", exc.message)
            status = exc.status
        else:
            messages.success(request, _("The internal note was added."))
            return redirect("backoffice:complaint", number=complaint.number)
    return _render_detail(request, complaint, note_form=form, status=status)


@permission_required(HANDLE)
@require_safe
def complaint_attachment(request, number, pk):
    """A file the beneficiary sent, as a download with a server-made name."""
    complaint = selectors.complaint_or_404(number)
    attachment = ComplaintAttachment.objects.filter(complaint=complaint, pk=pk).first()
    if attachment is None or not attachment.file:
        raise Http404
    audit(
        "backoffice.complaint_attachment_viewed",
        actor=request.user,
        target=complaint,
        attachment=attachment.pk,
    )
    return download_response(
        attachment.file.name,
        content_type=attachment.content_type or "application/octet-stream",
        filename=f"{complaint.number}-{attachment.pk}.{attachment.extension}",
    )


@permission_required(SUPERVISE)
@require_safe
def complaint_audit(request, number):
    complaint = selectors.complaint_or_404(number)
    audit("backoffice.complaint_audit_viewed", actor=request.user, target=complaint)
    return _audit_trail(
        request,
        complaint,
        owner_id=complaint.owner_id,
        labels={**COMPLAINT_LABELS, **VIEW_LABELS},
        title=_("Audit trail of complaint %(number)s") % {"number": complaint.number},
        back_url=reverse("backoffice:complaint", kwargs={"number": complaint.number}),
        section="complaints",
    )


# --- Visa quality check ---------------------------------------------------------------------


@permission_required(DECIDE)
@require_safe
def quality_queue(request):
    """Applications waiting for a person to read a document, oldest first."""
    rows = (
        VisaApplication.objects.filter(state=VisaState.IN_REVIEW)
        .select_related("owner", "occupation", "nationality")
        .order_by("submitted_at", "id")
    )
    return render(
        request,
        "backoffice/quality_queue.html",
        {"section": "visas", "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))},
    )


@permission_required(DECIDE)
@require_http_methods(["GET", "POST"])
def quality_detail(request, reference):
    """One application in quality check: the facts, its documents, and the decision."""
    application = selectors.submitted_visa_or_404(reference)
    status = 200
    if request.method == "POST":
        form = QualityDecisionForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                visa_application_review(
                    application=application,
                    actor=request.user,
                    approve=form.approve,
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
                application = selectors.submitted_visa_or_404(reference)
            else:
                if form.approve:
                    messages.success(
                        request,
                        _("Request %(ref)s was approved and the visa issued.")
                        % {"ref": application.reference},
                    )
                else:
                    messages.success(
                        request,
                        _("Request %(ref)s was rejected; the beneficiary was told the reason.")
                        % {"ref": application.reference},
                    )
                return redirect("backoffice:quality_queue")
    else:
        form = QualityDecisionForm()
    verdicts = selectors.verdicts(application)
    audit("backoffice.visa_viewed", actor=request.user, target=application)
    occupation = application.occupation
    return render(
        request,
        "backoffice/quality_detail.html",
        {
            "section": "visas",
            "application": application,
            "owner": application.owner,
            "verdicts": verdicts,
            "to_review": [v for v in verdicts if v.status == rules.Status.REVIEW],
            "document_name": occupation.document_name if occupation else "",
            "in_review": application.state == VisaState.IN_REVIEW,
            "form": form,
            "timeline": selectors.timeline(
                application, owner_id=application.owner_id, labels=VISA_LABELS
            ),
        },
        status=status,
    )


@permission_required(SUPERVISE)
@require_safe
def visa_audit(request, reference):
    application = selectors.submitted_visa_or_404(reference)
    audit("backoffice.visa_audit_viewed", actor=request.user, target=application)
    return _audit_trail(
        request,
        application,
        owner_id=application.owner_id,
        labels={**VISA_LABELS, **VIEW_LABELS},
        title=_("Audit trail of visa request %(ref)s") % {"ref": application.reference},
        back_url=reverse("backoffice:quality_detail", kwargs={"reference": application.reference}),
        section="visas",
    )


@permission_required(DECIDE)
@require_safe
def visa_document(request, reference, kind):
    """A document of a submitted application, as a download with a server-made name."""
    application = selectors.submitted_visa_or_404(reference)
    field = {"proof": "proof_document", "occupation": "occupation_document"}.get(kind)
    if field is None or not getattr(application, field):
        raise Http404
    content_type = getattr(application, f"{field}_type") or "application/octet-stream"
    audit(
        "backoffice.visa_document_viewed",
        actor=request.user,
        target=application,
        kind=kind,
    )
    return download_response(
        getattr(application, field).name,
        content_type=content_type,
        filename=f"{application.reference}-{kind}.{CONTENT_EXTENSIONS.get(content_type, 'bin')}",
    )
