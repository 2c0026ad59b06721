"""What a complaint's attachments may hold (issue 10): the same checks as every upload,
each refusal named with its file next to the field, the rest of the form kept; and the
service checks a file that no form did."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from musaned.complaints.models import Complaint, ComplaintAttachment
from musaned.complaints.tests.factories import file_complaint
from musaned.core.tests import documents
from musaned.core.uploads import UploadErrorCode, UploadRefused

pytestmark = pytest.mark.django_db

FORM = {
    "category": "worker",
    "visa": "",
    "subject": "The office kept my passport",
    "description": "Since two weeks the office does not answer.",
    "contact_preference": "sms",
}


def test_a_pdf_with_a_launch_action_is_refused_by_name_and_the_complaint_stays_typed(
    citizen, signed_in
):
    files = [
        SimpleUploadedFile("receipt.pdf", documents.minimal_pdf("receipt")),
        SimpleUploadedFile("contract.pdf", documents.pdf_with_launch_action()),
    ]
    response = signed_in(citizen).post("/en/complaints/new/", FORM | {"attachments": files})
    page = response.content.decode()
    assert response.status_code == 200
    assert "contract.pdf: The PDF tries to open programs or other files" in page
    assert "receipt.pdf:" not in page
    assert FORM["subject"] in page and FORM["description"] in page
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()


def test_an_encrypted_pdf_is_refused_in_arabic(citizen, signed_in):
    response = signed_in(citizen).post(
        "/complaints/new/",
        FORM | {"attachments": [SimpleUploadedFile("كشف.pdf", documents.encrypted_pdf())]},
    )
    page = response.content.decode()
    assert "كشف.pdf: ملف PDF محمي بكلمة مرور أو بتشفير. ارفع نسخة غير محمية." in page
    assert not Complaint.objects.exists()


def test_eicar_is_refused_when_the_scanner_is_on_and_nothing_is_stored(
    citizen, settings, signed_in
):
    settings.UPLOAD_SCANNER_BACKEND = "musaned.core.tests.test_uploads.EicarScanner"
    response = signed_in(citizen).post(
        "/en/complaints/new/",
        FORM | {"attachments": [SimpleUploadedFile("scan.pdf", documents.pdf_with_eicar())]},
    )
    assert "scan.pdf: The file was not accepted: our virus check found harmful content" in (
        response.content.decode()
    )
    assert not ComplaintAttachment.objects.exists()


def test_a_photo_attachment_is_stored_without_its_exif(citizen, signed_in):
    photo = documents.jpeg_with_exif(gps=True)
    response = signed_in(citizen).post(
        "/en/complaints/new/",
        FORM | {"attachments": [SimpleUploadedFile("office-door.jpg", photo)]},
    )
    assert response.status_code == 302
    attachment = ComplaintAttachment.objects.get()
    stored = attachment.file.read()
    assert attachment.content_type == "image/jpeg" and attachment.size == len(stored)
    assert b"Camera maker" not in stored
    assert attachment.display_name == "office-door.jpg"


def test_the_service_checks_a_file_no_form_checked(citizen):
    with pytest.raises(UploadRefused) as refused:
        file_complaint(
            citizen,
            files=[
                SimpleUploadedFile("ok.pdf", documents.minimal_pdf()),
                SimpleUploadedFile("x.pdf", documents.pdf_with_javascript()),
            ],
        )
    assert refused.value.code == UploadErrorCode.PDF_SCRIPT
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()
