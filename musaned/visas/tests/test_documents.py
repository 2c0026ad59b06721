"""A draft's documents (issue 10): what the finance step refuses, a replaced or discarded
document's file removed from storage after commit (a rollback keeps it), and the
per-account caps on drafts and new requests, on the web and the API alike."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from musaned.core import workflow
from musaned.core.models import AuditEvent
from musaned.core.tests import documents
from musaned.core.uploads import UploadErrorCode, UploadRefused
from musaned.visas import services
from musaned.visas.errors import VisaErrorCode, VisaLimitReached
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.factories import DRAFT, complete_draft, draft_at_finance

pytestmark = pytest.mark.django_db


def on_disk(name: str) -> bool:
    return Path(default_storage.path(name)).exists()


def pdf(note: str) -> SimpleUploadedFile:
    return documents.pdf_upload("statement.pdf", note=note)


FINANCE = {"proof_type": "bank", "bank_balance": "65000"}


# --- The finance step refuses what a document may not hold -------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (documents.pdf_with_javascript, "The PDF contains scripts"),
        (documents.pdf_bomb, "The PDF is too large once opened (more than 50.0\xa0MB)"),
        (documents.pdf_with_embedded_file, "The PDF has other files inside it."),
    ],
    ids=["javascript", "decompression-bomb", "embedded-file"],
)
def test_the_finance_step_refuses_an_unsafe_pdf_next_to_the_field_and_keeps_the_amounts(
    citizen, make, message, signed_in
):
    application = draft_at_finance(citizen)
    response = signed_in(citizen).post(
        f"/en/visas/{application.reference}/finance/",
        FINANCE | {"proof_document": SimpleUploadedFile("statement.pdf", make())},
    )
    assert response.status_code == 200
    assert message in response.text
    assert 'value="65000"' in response.text
    application.refresh_from_db()
    assert not application.proof_document


def test_the_finance_step_refuses_eicar_in_arabic_when_a_scanner_is_on(
    citizen, settings, signed_in
):
    settings.UPLOAD_SCANNER_BACKEND = "musaned.core.tests.test_uploads.EicarScanner"
    application = draft_at_finance(citizen)
    response = signed_in(citizen).post(
        f"/visas/{application.reference}/finance/",
        FINANCE
        | {"proof_document": SimpleUploadedFile("statement.pdf", documents.pdf_with_eicar())},
    )
    assert response.status_code == 200
    assert "لم يُقبل الملف: وجد فحص الفيروسات فيه محتوى ضارًا." in response.text
    assert 'value="65000"' in response.text
    application.refresh_from_db()
    assert not application.proof_document


def test_a_photo_of_the_statement_is_stored_as_the_fresh_file_we_wrote(citizen, signed_in):
    application = draft_at_finance(citizen)
    photo = documents.jpeg_with_exif(gps=True)
    response = signed_in(citizen).post(
        f"/en/visas/{application.reference}/finance/",
        FINANCE | {"proof_document": SimpleUploadedFile("statement.jpg", photo)},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.proof_document_type == "image/jpeg"
    stored = Path(default_storage.path(application.proof_document.name)).read_bytes()
    assert stored != photo and stored.startswith(b"\xff\xd8\xff")
    assert b"Camera maker" not in stored


def test_a_file_that_no_form_checked_is_checked_by_the_service(citizen):
    application = draft_at_finance(citizen)
    with pytest.raises(UploadRefused) as refused:
        services.visa_application_update(
            application=application,
            actor=citizen,
            proof_document=SimpleUploadedFile("s.pdf", documents.pdf_with_launch_action()),
        )
    assert refused.value.code == UploadErrorCode.PDF_LAUNCH
    application.refresh_from_db()
    assert not application.proof_document


# --- Replaced and discarded documents leave storage after commit -------------------------


def test_a_replaced_proof_is_removed_from_storage_after_commit(
    citizen, django_capture_on_commit_callbacks
):
    application = draft_at_finance(citizen)
    first = services.visa_application_update(
        application=application, actor=citizen, proof_document=pdf("first")
    ).proof_document.name
    assert on_disk(first)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        replaced = services.visa_application_update(
            application=application, actor=citizen, proof_document=pdf("second")
        )
    second = replaced.proof_document.name
    assert second != first and on_disk(second)
    assert on_disk(first)  # not before the commit …
    for callback in pending:
        callback()
    assert not on_disk(first)  # … and gone after it
    assert on_disk(second)
    assert replaced.proof_document_type == "application/pdf"


def test_the_web_replacing_a_proof_leaves_one_file(
    citizen, django_capture_on_commit_callbacks, signed_in
):
    application = draft_at_finance(citizen)
    client = signed_in(citizen)
    names = []
    for note in ("first", "second", "third"):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/en/visas/{application.reference}/finance/",
                FINANCE | {"proof_document": pdf(note)},
            )
        application.refresh_from_db()
        names.append(application.proof_document.name)
    assert len(set(names)) == 3
    assert [on_disk(name) for name in names] == [False, False, True]


def test_a_failed_replacement_keeps_the_old_file_and_leaves_no_new_one(citizen, monkeypatch):
    application = draft_at_finance(citizen)
    old = services.visa_application_update(
        application=application, actor=citizen, proof_document=pdf("old")
    ).proof_document.name
    folder = Path(default_storage.path(old)).parent
    before = sorted(folder.iterdir())

    def broken_audit(*args, **kwargs):
        raise RuntimeError("the database went away mid-transaction")

    monkeypatch.setattr(workflow, "audit", broken_audit)  # the one transition's audit row
    with pytest.raises(RuntimeError):
        services.visa_application_update(
            application=application, actor=citizen, proof_document=pdf("new")
        )
    application.refresh_from_db()
    assert application.proof_document.name == old
    assert on_disk(old)
    assert sorted(folder.iterdir()) == before  # the new file was removed again


def test_discarding_a_draft_removes_its_documents(citizen, django_capture_on_commit_callbacks):
    draft = complete_draft(citizen, occupation="home-nurse", gender="F")
    names = [draft.proof_document.name, draft.occupation_document.name]
    assert all(on_disk(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        services.visa_application_withdraw(application=draft, actor=citizen)
    draft.refresh_from_db()
    assert draft.state == VisaState.WITHDRAWN
    assert not draft.proof_document and not draft.occupation_document
    assert not any(on_disk(name) for name in names)
    event = AuditEvent.objects.get(action="visa.withdraw")
    assert event.data["documents_removed"] == 2


def test_a_submitted_request_keeps_its_documents(citizen, django_capture_on_commit_callbacks):
    draft = complete_draft(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.visa_application_submit(application=draft, actor=citizen)
    assert submitted.state == VisaState.AWAITING_PAYMENT
    assert on_disk(submitted.proof_document.name)


# --- Per-account caps ------------------------------------------------------------------------


def test_the_sixth_draft_is_refused_by_the_service(citizen, settings):
    assert settings.MUSANED_MAX_DRAFTS_PER_ACCOUNT == 5
    for _ in range(5):
        services.visa_application_create(owner=citizen)
    with pytest.raises(VisaLimitReached) as refused:
        services.visa_application_create(owner=citizen)
    assert refused.value.code == VisaErrorCode.TOO_MANY_DRAFTS
    assert VisaApplication.objects.filter(owner=citizen).count() == 5
    # Discarding one makes room again.
    services.visa_application_withdraw(
        application=VisaApplication.objects.filter(owner=citizen).first(), actor=citizen
    )
    services.visa_application_create(owner=citizen)


def test_an_api_token_cannot_make_hundreds_of_drafts(citizen, settings, api, token_for):
    settings.MUSANED_MAX_DRAFTS_PER_ACCOUNT = 3
    client = api(token_for(citizen, "script"))
    answers = [client.post("/visa-applications", DRAFT, key=f"k{n}") for n in range(10)]
    assert [a.status_code for a in answers] == [201] * 3 + [409] * 7
    assert answers[-1].json() == {
        "code": "too_many_drafts",
        "message": "You already have 3 unsubmitted requests. Finish or discard one before "
        "starting another.",
        "fields": {},
    }
    assert VisaApplication.objects.filter(owner=citizen).count() == 3
    arabic = api(token_for(citizen, "ar"), language="ar")
    refused = arabic.post("/visa-applications", DRAFT, key="ar-1")
    assert refused.status_code == 409
    assert refused.json()["message"] == (
        "لديك 3 طلبات لم تُقدَّم بعد. أكمل أحدها أو احذفه قبل أن تبدأ طلبًا آخر."
    )


def test_new_requests_a_day_are_capped_on_the_web_and_the_cap_resets(
    citizen, settings, signed_in, api, token_for
):
    settings.MUSANED_NEW_REQUESTS_PER_DAY = 2
    client = signed_in(citizen)
    for _ in range(2):  # start a request, discard it, start another …
        response = client.post("/en/visas/new/")
        assert response.status_code == 302 and "/worker/" in response["Location"]
        draft = VisaApplication.objects.get(owner=citizen, state=VisaState.DRAFT)
        client.post(f"/en/visas/{draft.reference}/withdraw/")
    refused = client.post("/en/visas/new/", follow=True)
    assert refused.redirect_chain[-1][0].endswith("/en/visas/")
    assert (
        "You can start 2 visa requests a day. Continue one you started, or try again "
        "tomorrow." in refused.text
    )
    assert not VisaApplication.objects.filter(owner=citizen, state=VisaState.DRAFT).exists()
    api = api(token_for(citizen, "script"))
    by_api = api.post("/visa-applications", DRAFT, key="day-1")
    assert by_api.status_code == 409
    assert by_api.json()["code"] == "too_many_new_requests"
    # A day later the two count no more.
    VisaApplication.objects.filter(owner=citizen).update(
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    assert "/worker/" in client.post("/en/visas/new/")["Location"]


def test_the_web_refusal_is_in_arabic(citizen, settings, signed_in):
    settings.MUSANED_NEW_REQUESTS_PER_DAY = 1
    services.visa_application_withdraw(
        application=services.visa_application_create(owner=citizen), actor=citizen
    )
    page = signed_in(citizen).post("/visas/new/", follow=True)
    assert (
        "يمكنك بدء طلب تأشيرة واحد في اليوم. أكمل الطلب الذي بدأته، أو حاول مجددًا غدًا." in page.text
    )
