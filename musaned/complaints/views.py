"""The beneficiary's complaint pages: file one, follow it, reply, reopen, rate."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.complaints import selectors, services
from musaned.complaints.forms import (
    AcceptAnswerForm,
    AskMinistryForm,
    ComplaintForm,
    RatingForm,
    ReopenForm,
    ReplyForm,
)
from musaned.complaints.models import ComplaintState
from musaned.complaints.workflow import MACHINE, Action, complaint_row
from musaned.core import timeline
from musaned.core.errors import ApplicationError, NotFound
from musaned.core.uploads import download_response
from musaned.core.workflow import OWNER, transition
from musaned.offices.selectors import register_choices
from musaned.visas.selectors import applications_for

SUBMITTED_KEY = "complaint_submitted"
# What the owner's buttons say, by action (a form that came back with an error keeps
# its button even when the action is no longer open).
OWNER_BUTTONS = {row.action: row.button for row in MACHINE.rows if OWNER in row.whos}


def _get(request, number):
    try:
        return selectors.complaint_get_for(actor=request.user, number=number)
    except NotFound:
        raise Http404 from None


@require_safe
def complaint_list(request):
    complaints = selectors.complaints_for(actor=request.user)
    return render(request, "complaints/list.html", {"complaints": complaints})


@require_http_methods(["GET", "POST"])
def complaint_new(request):
    visas = list(applications_for(actor=request.user).exclude(state="draft"))
    offices = register_choices()
    if request.method == "POST":
        form = ComplaintForm(request.POST, request.FILES, visas=visas, offices=offices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                complaint = services.complaint_submit(
                    owner=request.user,
                    category=data["category"],
                    visa=data["visa"],
                    office=data["office"],
                    subject=data["subject"],
                    description=data["description"],
                    contact_preference=data["contact_preference"],
                    files=data["attachments"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                request.session[SUBMITTED_KEY] = complaint.number
                return redirect("complaints:detail", number=complaint.number)
    else:
        # Reached from an office's page (``?office=``): about that office.
        office = request.GET.get("office", "")
        initial = {"visa": request.GET.get("visa", ""), "office": office}
        if office:
            initial["category"] = "office"
        form = ComplaintForm(visas=visas, offices=offices, initial=initial)
    return render(request, "complaints/new.html", {"form": form, "has_files": True})


def _detail(
    request,
    complaint,
    *,
    reply_form=None,
    reopen_form=None,
    rating_form=None,
    accept_form=None,
    ministry_form=None,
    status=200,
):
    # The owner's buttons are the rows they may take now (reply when asked; reopen
    # within the window).
    actions = {row.action: row for row in MACHINE.actions_for(complaint, request.user)}
    rateable = complaint.rating is None and complaint.state in (
        ComplaintState.RESOLVED,
        ComplaintState.CLOSED,
    )
    return render(
        request,
        "complaints/detail.html",
        {
            "complaint": complaint,
            "conversation": selectors.messages_for_owner(complaint),
            "first_files": selectors.filed_with(complaint),
            "timeline": timeline.timeline(
                complaint,
                viewer=timeline.OWNER,
                labels=MACHINE.owner_labels,
                only_labelled=True,
            ),
            "just_submitted": request.session.pop(SUBMITTED_KEY, None) == complaint.number,
            "buttons": OWNER_BUTTONS,
            "reply_form": reply_form or (ReplyForm() if Action.REPLY in actions else None),
            "reopen_form": reopen_form or (ReopenForm() if Action.REOPEN in actions else None),
            "accept_form": accept_form
            or (AcceptAnswerForm() if Action.ACCEPT_ANSWER in actions else None),
            "ministry_form": ministry_form
            or (AskMinistryForm() if Action.ASK_MINISTRY in actions else None),
            "answer_stands_on": selectors.answer_stands_on(complaint),
            "rating_form": rating_form or (RatingForm() if rateable else None),
        },
        status=status,
    )


@require_safe
def complaint_detail(request, number):
    return _detail(request, _get(request, number))


def _owner_action(request, number, *, form_class, form_name, run, done):
    """One of the owner's POST actions: valid form → the service → back to the page with
    ``done``; a bad form or a refusal → the page again (400) keeping what was typed."""
    complaint = _get(request, number)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            run(complaint, form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done)
            return redirect("complaints:detail", number=number)
    return _detail(request, complaint, status=400, **{form_name: form})


def _owner_step(request, number, *, action: Action, form_class, form_name):
    """One of the owner's rows (reply, reopen): its form, the one transition with the
    message and files as payload, and the row's ``done`` line."""
    row = complaint_row(next(r for r in MACHINE.rows if r.action == action))
    return _owner_action(
        request,
        number,
        form_class=form_class,
        form_name=form_name,
        run=lambda complaint, data: transition(
            obj=complaint,
            action=action,
            actor=request.user,
            message=data.get("message", ""),
            files=data.get("attachments") or (),
        ),
        done=row.done,
    )


@require_POST
def complaint_reply(request, number):
    return _owner_step(
        request, number, action=Action.REPLY, form_class=ReplyForm, form_name="reply_form"
    )


@require_POST
def complaint_reopen(request, number):
    return _owner_step(
        request, number, action=Action.REOPEN, form_class=ReopenForm, form_name="reopen_form"
    )


@require_POST
def complaint_accept_answer(request, number):
    return _owner_step(
        request,
        number,
        action=Action.ACCEPT_ANSWER,
        form_class=AcceptAnswerForm,
        form_name="accept_form",
    )


@require_POST
def complaint_ask_ministry(request, number):
    return _owner_step(
        request,
        number,
        action=Action.ASK_MINISTRY,
        form_class=AskMinistryForm,
        form_name="ministry_form",
    )


@require_POST
def complaint_rate(request, number):
    return _owner_action(
        request,
        number,
        form_class=RatingForm,
        form_name="rating_form",
        run=lambda complaint, data: services.complaint_rate(
            complaint=complaint,
            actor=request.user,
            rating=data["rating"],
            comment=data["comment"],
        ),
        done=_("Thank you for your rating."),
    )


@require_safe
def attachment(request, number, pk):
    complaint = _get(request, number)
    try:
        found = selectors.attachment_for_owner(complaint=complaint, pk=pk)
    except NotFound:
        raise Http404 from None
    return download_response(
        found.file.name,
        content_type=found.content_type,
        filename=f"{complaint.number}-{found.pk}.{found.extension}",
    )
