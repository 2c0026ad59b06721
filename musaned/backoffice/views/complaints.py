"""The complaint queues and one complaint's page, its actions, notes, files and audit trail.

The buttons on a complaint are the rows of the complaint workflow the staff member may
take now (``staff_actions_for``: the table, their permission, and the guards — an
officer sees none on a complaint another officer holds); each is posted to
``complaint_act``, which takes it through the one ``transition``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from musaned.backoffice import selectors, services
from musaned.backoffice.access import permission_required
from musaned.backoffice.forms import TABS, ComplaintActionForm, NoteForm, QueueFilterForm
from musaned.backoffice.views.trail import audit_trail_page
from musaned.complaints import services as complaint_services
from musaned.complaints.errors import ComplaintErrorCode
from musaned.complaints.permissions import HANDLE, SUPERVISE
from musaned.complaints.workflow import (
    CLOCK_STATES,
    MACHINE,
    held_by_another,
    holder_name,
    staff_actions_for,
    staff_row,
)
from musaned.core.errors import ApplicationError
from musaned.core.uploads import download_response
from musaned.core.workflow import transition

PER_PAGE = 25


@permission_required(HANDLE)
@require_safe
def queue(request):
    """The complaint queues, one tab each, with filters and an exact search."""
    now = timezone.now()
    form = QueueFilterForm(request.GET)
    form.is_valid()  # an unknown filter value is shown as an error and ignored
    data = form.cleaned_data
    tab = data.get("tab") or next(iter(TABS))
    filters = selectors.QueueFilters(
        search=data.get("q", ""), category=data.get("category", ""), state=data.get("state", "")
    )
    if filters.search:
        services.complaints_search(actor=request.user, query=filters.search)
    rows = selectors.complaint_queue(actor=request.user, tab=tab, filters=filters, now=now)
    counts = selectors.queue_counts(
        actor=request.user, tabs=[name for name in TABS if name != "all"], now=now
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "backoffice/queue.html",
        {
            "section": "complaints",
            "form": form,
            "tab": "" if filters.search else tab,
            "tab_label": TABS.get(tab) if not filters.search else _("Search results"),
            "tabs": [(name, label, counts.get(name)) for name, label in TABS.items()],
            "searched": filters.search,
            "page": page,
            "clock_states": sorted(CLOCK_STATES),
        },
    )


def _render_detail(request, complaint, *, failed=None, note_form=None, status=200):
    """The staff page of one complaint. ``failed`` is an action form that came back with an
    error: it is shown with what was typed, even if the state has since moved on."""
    actor = request.user
    rows = staff_actions_for(complaint, actor)
    action_forms = [
        failed
        if failed is not None and failed.action == row.action
        else ComplaintActionForm(row=row)
        for row in rows
    ]
    if failed is not None and failed.action not in {row.action for row in rows}:
        action_forms.insert(0, failed)
    services.complaint_open(actor=actor, complaint=complaint)
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
            and actor.has_perm(selectors.DECIDE),
            "conversation": selectors.complaint_conversation(actor=actor, complaint=complaint),
            "filed_with": selectors.complaint_filed_with(actor=actor, complaint=complaint),
            "timeline": selectors.complaint_timeline(actor=actor, complaint=complaint),
            "action_forms": action_forms,
            "failed": failed,
            "held_by": holder_name(complaint) if held_by_another(complaint, actor) else "",
            "note_form": note_form or NoteForm(),
        },
        status=status,
    )


@permission_required(HANDLE)
@require_safe
def complaint_detail(request, number):
    complaint = selectors.complaint_or_404(actor=request.user, number=number)
    return _render_detail(request, complaint)


@permission_required(HANDLE)
@require_POST
def complaint_act(request, number):
    """Take one staff row of the complaint table through the one transition (then PRG)."""
    complaint = selectors.complaint_or_404(actor=request.user, number=number)
    action = request.POST.get("action", "")
    labels = staff_row(action)
    if labels is None:
        messages.error(request, _("Choose one of the actions on the page."))
        return _render_detail(request, complaint, status=400)
    row = MACHINE.row(complaint.state, action)
    permissions = row.staff_permissions if row is not None else ()
    if permissions and not any(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied  # e.g. an officer reassigning: a supervisor's action
    form = ComplaintActionForm(request.POST, row=labels)
    if not form.is_valid():
        return _render_detail(request, complaint, failed=form, status=400)
    try:
        transition(
            obj=complaint,
            action=action,
            actor=request.user,
            message=form.cleaned_data.get("message", ""),
            assign_to=form.cleaned_data.get("assign_to"),
        )
    except ApplicationError as exc:
        on_message = exc.code == ComplaintErrorCode.MESSAGE_REQUIRED and "message" in form.fields
        form.add_error("message" if on_message else None, exc.message)
        # The page shows the state as it is now, with the form as it was typed.
        fresh = selectors.complaint_or_404(actor=request.user, number=number)
        return _render_detail(request, fresh, failed=form, status=exc.status)
    messages.success(request, str(labels.done) % {"number": complaint.number})
    return redirect("backoffice:complaint", number=complaint.number)


@permission_required(HANDLE)
@require_POST
def complaint_note(request, number):
    """An internal note: staff read it, the beneficiary never does."""
    complaint = selectors.complaint_or_404(actor=request.user, number=number)
    form = NoteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            complaint_services.complaint_note(
                complaint=complaint, actor=request.user, body=form.cleaned_data["body"]
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
    complaint = selectors.complaint_or_404(actor=request.user, number=number)
    attachment = selectors.complaint_attachment_or_404(
        actor=request.user, complaint=complaint, pk=pk
    )
    services.complaint_attachment_download(
        actor=request.user, complaint=complaint, attachment=attachment
    )
    return download_response(
        attachment.file.name,
        content_type=attachment.content_type or "application/octet-stream",
        filename=f"{complaint.number}-{attachment.pk}.{attachment.extension}",
    )


@permission_required(SUPERVISE)
@require_safe
def complaint_audit(request, number):
    complaint = selectors.complaint_or_404(actor=request.user, number=number)
    services.complaint_audit_read(actor=request.user, complaint=complaint)
    return audit_trail_page(
        request,
        complaint,
        labels=MACHINE.labels,
        title=_("Audit trail of complaint %(number)s") % {"number": complaint.number},
        back_url=reverse("backoffice:complaint", kwargs={"number": complaint.number}),
        section="complaints",
    )
