"""The e-visa PDF drawn off the request path (issue 6).

When a visa is issued, cancelled or expires (the three states the PDF prints),
``transition`` calls ``evisa_render_later``, which enqueues ``render_evisa`` after
commit; the task draws the PDF once and stores it as an ``EvisaDocument``. The
download view calls ``evisa_pdf_for``: the stored file while it still matches the
application's state, otherwise a PDF drawn on the spot (and stored), so a worker
that is behind or stopped never breaks a download.

The QR code needs the site's public address, which a worker has no request to
read it from: ``MUSANED_SITE_URL`` (read by the worker). Without it the task
draws nothing and every e-visa is drawn on its first download (from the
request's own address).
"""

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from musaned.visas.models import EvisaDocument, VisaApplication, VisaState, evisa_upload_to

logger = logging.getLogger(__name__)

# The states whose e-visa can be downloaded, each printed on the page.
EVISA_STATES = frozenset({VisaState.ISSUED, VisaState.CANCELLED, VisaState.EXPIRED})


def evisa_render_later(application: VisaApplication) -> None:
    """Inside the transition's transaction: draw the e-visa once it has committed."""
    if application.state in EVISA_STATES and application.verification_token:
        pk = application.pk
        transaction.on_commit(lambda: render_evisa.enqueue(pk))


@task()
def render_evisa(application_id: int) -> str:
    """Draw and store the e-visa for the application's current state; safe to repeat."""
    if not settings.MUSANED_SITE_URL:
        return "no MUSANED_SITE_URL: drawn on download"
    application = _application(application_id)
    if application is None or application.state not in EVISA_STATES:
        return "nothing to draw"
    if _stored(application) is not None:
        return "already stored"
    evisa_store(application, verify_url=verify_url(application, settings.MUSANED_SITE_URL))
    return "stored"


def evisa_pdf_for(application: VisaApplication, *, request) -> bytes:
    """The PDF the owner downloads: stored if it matches the state, else drawn now and stored."""
    stored = _stored(application)
    if stored is not None:
        try:
            with stored.file.open("rb") as handle:
                return handle.read()
        except FileNotFoundError:
            logger.warning("e-visa file of application %s is missing; drawing it", application.pk)
    base = settings.MUSANED_SITE_URL or request.build_absolute_uri("/").rstrip("/")
    return evisa_store(application, verify_url=verify_url(application, base))


def verify_url(application: VisaApplication, base_url: str) -> str:
    """The QR code's address, in the default language so one file serves every reader."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("visas:verify", kwargs={"token": application.verification_token})
    return f"{base_url}{path}"


def evisa_store(application: VisaApplication, *, verify_url: str) -> bytes:
    """Draw the PDF (outside any transaction: it takes a moment) and keep it for its state.

    If the application changed state while drawing, the file is not kept (the
    next download or task draws the new state).
    """
    from musaned.visas.evisa import render_evisa_pdf  # fpdf2 and HarfBuzz load only when drawing

    pdf = render_evisa_pdf(application, verify_url=verify_url)
    name = default_storage.save(evisa_upload_to(None, "e-visa.pdf"), ContentFile(pdf))
    with transaction.atomic():
        current = VisaApplication.objects.select_for_update().get(pk=application.pk)
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


def _application(application_id: int) -> VisaApplication | None:
    return (
        VisaApplication.objects.select_related(
            "owner", "occupation", "nationality", "arrival_point"
        )
        .filter(pk=application_id)
        .first()
    )


def _stored(application: VisaApplication) -> EvisaDocument | None:
    return EvisaDocument.objects.filter(application=application, state=application.state).first()
