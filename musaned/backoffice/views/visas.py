"""The visa quality check: the queue, one request with its documents and the decision,
and its audit trail."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from musaned.backoffice import selectors, services
from musaned.backoffice.access import permission_required
from musaned.backoffice.forms import QualityDecisionForm
from musaned.backoffice.views.trail import audit_trail_page
from musaned.complaints.permissions import SUPERVISE
from musaned.core.errors import ApplicationError
from musaned.core.uploads import SIGNATURES, download_response
from musaned.visas import rules
from musaned.visas.models import VisaState
from musaned.visas.services import visa_application_review

PER_PAGE = 25
DOCUMENTS = {"proof": "proof_document", "occupation": "occupation_document"}
EXTENSIONS = {content_type: extension for _magic, content_type, extension in SIGNATURES}


@permission_required(selectors.DECIDE)
@require_safe
def quality_queue(request):
    """Applications waiting for a person to read a document, oldest first."""
    rows = selectors.quality_queue(actor=request.user)
    return render(
        request,
        "backoffice/quality_queue.html",
        {"section": "visas", "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))},
    )


@permission_required(selectors.DECIDE)
@require_http_methods(["GET", "POST"])
def quality_detail(request, reference):
    """One application in quality check: the facts, its documents, and the decision."""
    application = selectors.submitted_visa_or_404(actor=request.user, reference=reference)
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
                application = selectors.submitted_visa_or_404(
                    actor=request.user, reference=reference
                )
            else:
                done = (
                    _("Request %(ref)s was approved and the visa issued.")
                    if form.approve
                    else _("Request %(ref)s was rejected; the beneficiary was told the reason.")
                )
                messages.success(request, done % {"ref": application.reference})
                return redirect("backoffice:quality_queue")
    else:
        form = QualityDecisionForm()
    verdicts = selectors.verdicts(application)
    services.visa_open(actor=request.user, application=application)
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
            "timeline": selectors.visa_timeline(actor=request.user, application=application),
        },
        status=status,
    )


@permission_required(SUPERVISE)
@require_safe
def visa_audit(request, reference):
    application = selectors.submitted_visa_or_404(actor=request.user, reference=reference)
    services.visa_audit_read(actor=request.user, application=application)
    return audit_trail_page(
        request,
        application,
        labels=selectors.VISA_MACHINE.labels,
        title=_("Audit trail of visa request %(ref)s") % {"ref": application.reference},
        back_url=reverse("backoffice:quality_detail", kwargs={"reference": application.reference}),
        section="visas",
    )


@permission_required(selectors.DECIDE)
@require_safe
def visa_document(request, reference, kind):
    """A document of a submitted application, as a download with a server-made name."""
    application = selectors.submitted_visa_or_404(actor=request.user, reference=reference)
    field = DOCUMENTS.get(kind)
    if field is None or not getattr(application, field):
        raise Http404
    content_type = getattr(application, f"{field}_type") or "application/octet-stream"
    services.visa_document_download(actor=request.user, application=application, kind=kind)
    return download_response(
        getattr(application, field).name,
        content_type=content_type,
        filename=f"{application.reference}-{kind}.{EXTENSIONS.get(content_type, 'bin')}",
    )
