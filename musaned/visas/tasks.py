"""The e-visa PDF drawn off the request path (issue 6).

When a visa is issued, cancelled or expires (the three states the PDF prints), the
row's ``draw_evisa`` effect calls ``evisa_render_later``, which enqueues ``render_evisa``
after commit; the task draws the PDF once and stores it as an ``EvisaDocument``
(``services.evisa_store``). The download page calls ``evisa_pdf_for``, which writes
nothing (issue 11): the stored file while it still matches the application's state;
otherwise it asks the worker for the file and, if the worker has not stored it by the
time it looks again, draws this one copy in memory, so a worker that is behind or
stopped never breaks a download.

The QR code needs the site's public address, which a worker has no request to read it
from: ``MUSANED_SITE_URL`` (read by the worker). Without it the task is only asked
from a download, which hands it the request's own address.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from musaned.visas.models import EvisaDocument, VisaApplication, VisaState

logger = logging.getLogger(__name__)

# The states whose e-visa can be downloaded, each printed on the page.
EVISA_STATES = frozenset({VisaState.ISSUED, VisaState.CANCELLED, VisaState.EXPIRED})


def evisa_render_later(application: VisaApplication, *, base_url: str = "") -> None:
    """Draw the e-visa once the current transaction has committed (at once outside one).

    ``base_url``: the site's address for the QR code when ``MUSANED_SITE_URL`` is not set
    (a download passes its request's own)."""
    if application.state in EVISA_STATES and application.verification_token:
        pk = application.pk
        transaction.on_commit(lambda: render_evisa.enqueue(pk, base_url))


@task()
def render_evisa(application_id: int, base_url: str = "") -> str:
    """Draw and store the e-visa for the application's current state; safe to repeat."""
    base = settings.MUSANED_SITE_URL or base_url
    if not base:
        return "no MUSANED_SITE_URL: drawn on download"
    application = _application(application_id)
    if application is None or application.state not in EVISA_STATES:
        return "nothing to draw"
    if _stored(application) is not None:
        return "already stored"
    from musaned.visas.services import evisa_store  # services import this module

    evisa_store(application=application, verify_url=verify_url(application, base))
    return "stored"


def evisa_pdf_for(application: VisaApplication, *, base_url: str) -> bytes:
    """The PDF the owner downloads. Writes nothing: the stored file if it matches the
    state; otherwise the task is asked to draw and store it, and this copy is the one it
    stored by now (a worker that runs at once), or one drawn in memory."""
    pdf = _stored_pdf(application)
    if pdf is not None:
        return pdf
    evisa_render_later(application, base_url=base_url)
    pdf = _stored_pdf(application)
    if pdf is not None:
        return pdf
    from musaned.visas import evisa  # fpdf2 and HarfBuzz load only when drawing

    base = settings.MUSANED_SITE_URL or base_url
    return evisa.render_evisa_pdf(application, verify_url=verify_url(application, base))


def verify_url(application: VisaApplication, base_url: str) -> str:
    """The QR code's address, in the default language so one file serves every reader."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("visas:verify", kwargs={"token": application.verification_token})
    return f"{base_url}{path}"


def _application(application_id: int) -> VisaApplication | None:
    return (
        VisaApplication.objects.select_related(
            "owner", "occupation", "nationality", "arrival_point"
        )
        .filter(pk=application_id)
        .first()
    )


def _stored(application: VisaApplication) -> EvisaDocument | None:
    """The stored e-visa of the application's current state, if its file is there."""
    document = EvisaDocument.objects.filter(
        application=application, state=application.state
    ).first()
    if document is None:
        return None
    if not document.file.storage.exists(document.file.name):
        logger.warning("e-visa file of application %s is missing; drawing it", application.pk)
        return None
    return document


def _stored_pdf(application: VisaApplication) -> bytes | None:
    document = _stored(application)
    if document is None:
        return None
    try:
        with document.file.open("rb") as handle:
            return handle.read()
    except FileNotFoundError:  # removed between the two looks
        return None
