"""The e-visa PDF drawn by a task after issue, cancel and expiry, and the download that
serves the stored file or, when the worker is behind, draws (and stores) it on the spot."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from musaned.visas import evisa, services
from musaned.visas.models import EvisaDocument, VisaState
from musaned.visas.tasks import render_evisa, verify_url
from musaned.visas.tests.factories import issued_visa, submitted

# Real commits: the task is enqueued when the issuing transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)

SITE = "https://musaned.example"


@pytest.fixture
def draws(monkeypatch):
    """Every PDF drawn, as (state, verify URL)."""
    drawn = []
    real = evisa.render_evisa_pdf

    def counting(application, *, verify_url, language="ar"):
        drawn.append((application.state, verify_url))
        return real(application, verify_url=verify_url, language=language)

    monkeypatch.setattr(evisa, "render_evisa_pdf", counting)
    return drawn


def download(owner, application, prefix=""):
    client = Client()
    client.force_login(owner)
    response = client.get(f"{prefix}/visas/{application.reference}/e-visa.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def stored_bytes(application) -> bytes:
    document = EvisaDocument.objects.get(application=application)
    with default_storage.open(document.file.name, "rb") as handle:
        return handle.read()


def test_issuing_a_visa_draws_and_stores_its_pdf(citizen, draws, settings):
    settings.MUSANED_SITE_URL = SITE
    application = issued_visa(citizen)
    document = EvisaDocument.objects.get(application=application)
    assert document.state == VisaState.ISSUED
    assert document.file.name.startswith("visas/evisa/") and document.file.name.endswith(".pdf")
    assert stored_bytes(application).startswith(b"%PDF")
    # The QR code goes to the site's address, in the default language (one file for all).
    assert draws == [("issued", f"{SITE}/verify/{application.verification_token}/")]
    assert verify_url(application, SITE) == draws[0][1]


def test_the_download_serves_the_stored_pdf_without_drawing(citizen, draws, settings):
    settings.MUSANED_SITE_URL = SITE
    application = issued_visa(citizen)
    draws.clear()
    for prefix in ("", "/en"):
        assert download(citizen, application, prefix) == stored_bytes(application)
    assert draws == []


def test_running_the_task_again_draws_nothing(citizen, draws, settings):
    settings.MUSANED_SITE_URL = SITE
    application = issued_visa(citizen)
    assert render_evisa.call(application.pk) == "already stored"
    assert len(draws) == 1 and EvisaDocument.objects.count() == 1


def test_when_the_worker_is_behind_the_download_draws_and_stores(citizen, draws):
    # No MUSANED_SITE_URL (the test settings): nothing was drawn at issue.
    application = issued_visa(citizen)
    assert draws == [] and not EvisaDocument.objects.exists()

    first = download(citizen, application)
    assert first.startswith(b"%PDF")
    assert draws == [("issued", f"http://testserver/verify/{application.verification_token}/")]
    assert stored_bytes(application) == first

    assert download(citizen, application, "/en") == first  # now served from storage
    assert len(draws) == 1


def test_a_lost_file_is_drawn_again(citizen, draws, settings):
    settings.MUSANED_SITE_URL = SITE
    application = issued_visa(citizen)
    default_storage.delete(EvisaDocument.objects.get(application=application).file.name)
    assert download(citizen, application).startswith(b"%PDF")
    assert len(draws) == 2
    assert stored_bytes(application).startswith(b"%PDF")


def test_a_cancelled_visa_gets_a_new_pdf_and_the_old_file_goes(citizen, draws, settings):
    settings.MUSANED_SITE_URL = SITE
    application = issued_visa(citizen)
    issued_file = EvisaDocument.objects.get(application=application).file.name
    services.visa_cancel(application=application, actor=citizen)
    document = EvisaDocument.objects.get(application=application)
    assert document.state == VisaState.CANCELLED
    assert [state for state, _url in draws] == ["issued", "cancelled"]
    assert not default_storage.exists(issued_file)
    assert download(citizen, application) == stored_bytes(application)
    assert len(draws) == 2


def test_a_stored_pdf_of_an_older_state_is_never_served(citizen, draws):
    application = issued_visa(citizen)
    download(citizen, application)  # stored for "issued"
    services.visa_cancel(application=application, actor=citizen)  # not drawn: no site URL
    assert download(citizen, application) == stored_bytes(application)
    assert [state for state, _url in draws] == ["issued", "cancelled"]
    assert EvisaDocument.objects.get(application=application).state == VisaState.CANCELLED


def test_a_task_for_a_visa_without_an_evisa_does_nothing(citizen, draws, settings):
    settings.MUSANED_SITE_URL = SITE
    application = submitted(citizen)  # awaiting payment
    assert render_evisa.call(application.pk) == "nothing to draw"
    assert render_evisa.call(0) == "nothing to draw"
    assert draws == []


def test_the_download_writes_nothing_and_leaves_the_storing_to_the_worker(citizen, draws, settings):
    """Issue 11: a GET draws in memory when nothing is stored, and only asks the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    application = issued_visa(citizen)  # queued for a worker that has not run yet
    client = Client()
    client.force_login(citizen)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/visas/{application.reference}/e-visa.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert draws == [("issued", f"http://testserver/verify/{application.verification_token}/")]
    # (The session's own expiry is refreshed on every request: not the record's.)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert not EvisaDocument.objects.exists()
    # The worker, when it runs the task the download asked for, stores the file.
    assert render_evisa.call(application.pk, "http://testserver") == "stored"
    assert EvisaDocument.objects.get(application=application).state == VisaState.ISSUED
