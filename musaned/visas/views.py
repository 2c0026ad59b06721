"""Visa pages: eligibility, the application steps, my visas, the e-visa, cancellation."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from musaned.core.captcha import captcha_form_page
from musaned.core.errors import ApplicationError, NotFound
from musaned.core.uploads import download_response
from musaned.identity.registry import get_registry
from musaned.identity.saudi_id import IdType
from musaned.visas import inquiry, rules, services
from musaned.visas.effects import missing_parts
from musaned.visas.forms import (
    AccountInquiryForm,
    ConfirmForm,
    DeclarationForm,
    FinanceForm,
    PublicInquiryForm,
    WorkerForm,
)
from musaned.visas.models import VisaState
from musaned.visas.presenters import timeline_for, visa_card
from musaned.visas.selectors import application_get_for, applications_for, visa_by_token
from musaned.visas.workflow import Action, actions_of, guard_refusal


def _get(request, reference):
    try:
        return application_get_for(actor=request.user, reference=reference)
    except NotFound:
        raise Http404 from None


def _verdict_summary(verdicts) -> dict:
    return {
        "failing": sum(v.status == rules.Status.FAIL for v in verdicts),
        "needs_info": sum(v.status == rules.Status.NEEDS_INFO for v in verdicts),
    }


@require_safe
def eligibility(request, starting: bool = False):
    """ "Can I get a visa?" — every rule's verdict before anything is started or paid.

    "Issue a visa" opens the same page (``starting``): the verdicts come first.
    """
    verdicts = rules.evaluate(user=request.user)
    return render(
        request,
        "visas/eligibility.html",
        {"verdicts": verdicts, "starting": starting, **_verdict_summary(verdicts)},
    )


@require_safe
def my_visas(request):
    return render(
        request, "visas/list.html", {"applications": list(applications_for(actor=request.user))}
    )


@require_POST
def application_new(request):
    drafts = applications_for(actor=request.user).filter(state=VisaState.DRAFT)
    application = drafts.first()
    if application is None:
        try:
            application = services.visa_application_create(owner=request.user)
        except ApplicationError as exc:  # a per-account cap (issue 10)
            messages.error(request, exc.message)
            return redirect("visas:list")
    return redirect("visas:step_worker", reference=application.reference)


def _draft_step(view):
    """A step of the application (GET and POST): the view gets the owner's application
    (anyone else's is a 404); one that can no longer be changed goes to its page instead."""

    @require_http_methods(["GET", "POST"])
    @wraps(view)
    def step(request, reference):
        application = _get(request, reference)
        if Action.UPDATE not in actions_of(application, request.user):
            messages.info(request, _("This request was submitted and can no longer be changed."))
            return redirect("visas:detail", reference=application.reference)
        return view(request, application)

    return step


# The application's steps, in order: the page of each is ``visas/step_<name>.html``.
STEPS = ("worker", "finance", "review")


def _step_page(request, step: str, application, form, **context):
    """A step's page: its form, the application and the step's number (1 to 3)."""
    return render(
        request,
        f"visas/step_{step}.html",
        {"form": form, "application": application, "step_number": STEPS.index(step) + 1, **context},
    )


def _saved(application, *names: str) -> dict:
    """What the application holds for the fields ``names``, as a step form's initial
    values (a catalogue choice by its key)."""
    return {name: application.serializable_value(name) for name in names}


def _owner_nationality(user) -> str | None:
    if user.id_type != IdType.RESIDENT:
        return None
    person = get_registry().lookup(user.national_id)
    return person.nationality if person else None


@_draft_step
def step_worker(request, application):
    nationality = _owner_nationality(request.user)
    if request.method == "POST" and WorkerForm.REFRESH in request.POST:
        # Without the page's script: the same choices again, with the genders the chosen
        # occupation is open to; nothing is saved and nothing is called an error yet.
        form = WorkerForm(
            initial=WorkerForm.initial_from(request.POST), owner_nationality=nationality
        )
    elif request.method == "POST":
        form = WorkerForm(request.POST, owner_nationality=nationality)
        if form.is_valid():
            services.visa_application_update(
                application=application, actor=request.user, **form.cleaned_data
            )
            return redirect("visas:step_finance", reference=application.reference)
    else:
        initial = _saved(application, "occupation", "nationality", "worker_gender", "arrival_point")
        form = WorkerForm(owner_nationality=nationality, initial=initial)
    return _step_page(request, "worker", application, form)


@_draft_step
def step_finance(request, application):
    if application.occupation_id is None:
        return redirect("visas:step_worker", reference=application.reference)
    if request.method == "POST":
        form = FinanceForm(request.POST, request.FILES, application=application)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "proof_type": data["proof_type"],
                "monthly_salary": data["monthly_salary"],
                "bank_balance": data["bank_balance"],
            }
            for name in ("proof_document", "occupation_document"):
                upload = data.get(name)
                if upload:
                    fields[name] = upload
                    fields[f"{name}_type"] = upload.sniffed_type
            services.visa_application_update(application=application, actor=request.user, **fields)
            return redirect("visas:step_review", reference=application.reference)
    else:
        initial = _saved(application, "proof_type", "monthly_salary", "bank_balance")
        form = FinanceForm(application=application, initial=initial)
    return _step_page(request, "finance", application, form)


@_draft_step
def step_review(request, application):
    """The review page: every rule's verdict again, the declaration, and submit."""
    error = None
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        if form.is_valid():
            services.visa_application_update(
                application=application, actor=request.user, declaration=True
            )
            try:
                application = services.visa_application_submit(
                    application=application, actor=request.user
                )
            except ApplicationError as exc:
                error = exc.message
                form.add_error(None, exc.message)
            else:
                return redirect("visas:detail", reference=application.reference)
    else:
        form = DeclarationForm(initial=_saved(application, "declaration"))
    verdicts = rules.evaluate(user=request.user, application=application)
    context = {
        "verdicts": verdicts,
        "missing": missing_parts(application),
        "actions": actions_of(application, request.user),
        "fee": rules.fee_for(rules.gather(user=request.user, application=application)),
        "error": error,
        **_verdict_summary(verdicts),
    }
    return _step_page(request, "review", application, form, **context)


@require_safe
def detail(request, reference):
    from musaned.payments.gateway import payment_links
    from musaned.payments.selectors import bill_for

    application = _get(request, reference)
    bill = bill_for(application)
    return render(
        request,
        "visas/detail.html",
        {
            "application": application,
            "card": visa_card(application),
            "bill": bill,
            "pay_links": payment_links(bill, language=get_language())
            if bill and bill.state == "unpaid"
            else [],
            "timeline": timeline_for(application),
            "actions": actions_of(application, request.user),
            # A rejected request shows every rule as it stands now: what still fails is what to fix.
            "verdicts": rules.evaluate(user=request.user, application=application)
            if application.state == VisaState.REJECTED
            else [],
        },
    )


@require_safe
def status(request, reference):
    """The application's state, for the detail page to update itself after payment."""
    application = _get(request, reference)
    return JsonResponse({"state": application.state})


@require_POST
def recheck(request, reference):
    application = _get(request, reference)
    try:
        application = services.visa_application_recheck(application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("visas:detail", reference=reference)


@require_POST
def withdraw(request, reference):
    application = _get(request, reference)
    try:
        services.visa_application_withdraw(application=application, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("visas:detail", reference=reference)
    messages.success(request, _("The draft was discarded."))
    return redirect("visas:list")


@require_http_methods(["GET", "POST"])
def cancel(request, reference):
    application = _get(request, reference)
    if Action.CANCEL not in actions_of(application, request.user):
        refusal = guard_refusal(application, request.user, Action.CANCEL)
        messages.error(
            request, refusal.message if refusal else _("Only an issued visa can be cancelled.")
        )
        return redirect("visas:detail", reference=reference)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.visa_cancel(application=application, actor=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The visa was cancelled and the fee refunded."))
        return redirect("visas:detail", reference=reference)
    return render(request, "visas/cancel.html", {"application": application, "form": form})


@require_safe
def evisa_pdf(request, reference):
    from musaned.visas.evisa import evisa_filename
    from musaned.visas.tasks import evisa_pdf_for

    application = _get(request, reference)
    if not application.verification_token:
        raise Http404
    # Issues 6 and 11: the file the render_evisa task stored; while the worker is behind, a
    # copy drawn in memory (the task, asked again, stores its own). A GET writes nothing.
    site = settings.MUSANED_SITE_URL or request.build_absolute_uri("/").rstrip("/")
    pdf = evisa_pdf_for(application, base_url=site)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{evisa_filename(application)}"'
    return response


@require_safe
def document(request, reference, kind):
    application = _get(request, reference)
    field = {"proof": "proof_document", "occupation": "occupation_document"}.get(kind)
    if field is None or not getattr(application, field):
        raise Http404
    stored = getattr(application, field)
    content_type = getattr(application, f"{field}_type") or "application/octet-stream"
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        content_type, "bin"
    )
    return download_response(
        stored.name,
        content_type=content_type,
        filename=f"{application.reference}-{kind}.{extension}",
    )


@captcha_form_page("MUSANED_RATE_INQUIRY")
def public_inquiry(request):
    """Inquiry by issued number, for anyone: two numbers and the verification code, by POST."""
    card, searched = None, False
    if request.method == "POST":
        form = PublicInquiryForm(request.POST)
        if form.is_valid():
            searched = True
            card = services.visa_inquiry_public(
                issued_number=form.cleaned_data["issued_number"],
                national_id=form.cleaned_data["national_id"],
            )
            # A fresh code for the next search; the numbers stay in the form.
            form = PublicInquiryForm(initial=form.cleaned_data)
    else:
        form = PublicInquiryForm()
    return render(
        request, "visas/inquiry_public.html", {"form": form, "card": card, "searched": searched}
    )


@require_http_methods(["GET", "POST"])
def account_inquiry(request):
    """The "visa inquiry" tile: by request, visa or issued number, or one's own ID number."""
    results, searched = [], False
    form = AccountInquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        searched = True
        results = [
            (application, visa_card(application))
            for application in inquiry.account_inquiry(
                actor=request.user, query=form.cleaned_data["query"]
            )
        ]
    return render(
        request,
        "visas/inquiry_account.html",
        {"form": form, "results": results, "searched": searched},
    )


@login_not_required
@require_safe
def verify(request, token):
    """The public page a printed e-visa's QR code opens: status and masked data only."""
    application = visa_by_token(token)
    if application is None:
        raise Http404
    return render(
        request, "visas/verify.html", {"card": visa_card(application), "application": application}
    )
