"""The office portal's complaints (``/office/complaints/``): the complaints that name the
member's own office, the office's answer in the amicable phase, and the files the
beneficiary filed. Every read goes through ``selectors.complaint_for_office``, which
filters by the member's office in the query: another office's complaint is the same 404
as one that does not exist."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from musaned.complaints import selectors
from musaned.complaints.forms import OfficeAnswerForm
from musaned.complaints.models import ComplaintState
from musaned.complaints.workflow import MACHINE, OFFICE_STATE_LABELS, Action, complaint_row
from musaned.core import timeline
from musaned.core.errors import ApplicationError, NotFound
from musaned.core.uploads import download_response
from musaned.core.workflow import transition
from musaned.offices.access import office_member_required
from musaned.offices.views.portal import portal_context

SECTION = "complaints:office_list"
ANSWER_ROW = complaint_row(next(r for r in MACHINE.rows if r.action == Action.OFFICE_ANSWER))


# The office reads the history in the staff's third-person words, without staff's notes.
OFFICE_LABELS = {key: label for key, label in MACHINE.labels.items() if key != "complaint.note"}


def _labelled(complaint):
    complaint.office_state_label = OFFICE_STATE_LABELS[complaint.state]
    return complaint


def _get(request, number):
    try:
        return selectors.complaint_for_office(actor=request.user, number=number)
    except NotFound:
        raise Http404 from None


@require_safe
@office_member_required
def office_complaint_list(request, membership):
    complaints = [_labelled(c) for c in selectors.complaints_for_office(actor=request.user)]
    waiting = [c for c in complaints if c.state == ComplaintState.WITH_OFFICE]
    return render(
        request,
        "complaints/office_list.html",
        portal_context(membership, SECTION, complaints=complaints, waiting=len(waiting)),
    )


def _detail(request, membership, complaint, *, form=None, status=200):
    may_answer = any(
        row.action == Action.OFFICE_ANSWER for row in MACHINE.actions_for(complaint, request.user)
    )
    return render(
        request,
        "complaints/office_detail.html",
        portal_context(
            membership,
            SECTION,
            complaint=_labelled(complaint),
            answers=selectors.messages_for_office(complaint),
            first_files=selectors.filed_with(complaint),
            timeline=timeline.timeline(
                complaint,
                viewer=timeline.OWNER,
                labels=OFFICE_LABELS,
                only_labelled=True,
            ),
            form=form or (OfficeAnswerForm() if may_answer else None),
            row=ANSWER_ROW,
        ),
        status=status,
    )


@require_safe
@office_member_required
def office_complaint_detail(request, membership, number):
    return _detail(request, membership, _get(request, number))


@require_POST
@office_member_required
def office_complaint_answer(request, membership, number):
    complaint = _get(request, number)
    form = OfficeAnswerForm(request.POST)
    if form.is_valid():
        try:
            transition(
                obj=complaint,
                action=Action.OFFICE_ANSWER,
                actor=request.user,
                message=form.cleaned_data["message"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, ANSWER_ROW.done % {"number": complaint.number})
            return redirect("complaints:office_detail", number=number)
    return _detail(request, membership, complaint, form=form, status=400)


@require_safe
@office_member_required
def office_attachment(request, membership, number, pk):
    complaint = _get(request, number)
    try:
        found = selectors.attachment_for_office(complaint=complaint, pk=pk)
    except NotFound:
        raise Http404 from None
    return download_response(
        found.file.name,
        content_type=found.content_type,
        filename=f"{complaint.number}-{found.pk}.{found.extension}",
    )
