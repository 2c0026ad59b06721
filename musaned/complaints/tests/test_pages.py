"""The beneficiary's complaint pages: filing with files, the confirmation, replying when
asked, reopening, rating, and the files served only to their owner."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from musaned.complaints import services
from musaned.complaints.models import Complaint, ComplaintAttachment, ComplaintState
from musaned.complaints.tests.factories import FORM, file_complaint
from musaned.complaints.workflow import Action
from musaned.core.tests.documents import PDF, png_bytes
from musaned.core.workflow import transition
from musaned.notifications import sms
from musaned.visas.tests.factories import complete_draft

pytestmark = pytest.mark.django_db


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_citizen_files_a_complaint_with_a_pdf_and_gets_a_number_and_sms(
    citizen, django_capture_on_commit_callbacks, signed_in
):
    client = signed_in(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/complaints/new/", FORM | {"attachments": [upload("receipt.pdf", PDF)]}, follow=True
        )
    complaint = Complaint.objects.get()
    assert response.redirect_chain[-1][0] == f"/complaints/{complaint.number}/"
    page = response.content.decode()
    assert complaint.number in page
    assert complaint.subject == FORM["subject"]
    attachment = complaint.attachments.get()
    assert attachment.display_name == "receipt.pdf"
    assert attachment.content_type == "application/pdf"
    assert "receipt" not in attachment.file.name and attachment.file.name.startswith("complaints/")
    assert any(complaint.number in message.body for message in sms.outbox)
    # The confirmation is shown once; the page itself stays.
    again = client.get(f"/complaints/{complaint.number}/").content.decode()
    assert complaint.number in again


def test_up_to_three_files_and_a_fourth_is_refused_keeping_the_text(citizen, signed_in):
    client = signed_in(citizen)
    files = [upload(f"f{i}.pdf", PDF) for i in range(4)]
    response = client.post("/en/complaints/new/", FORM | {"attachments": files})
    assert response.status_code == 200
    assert "Attach at most 3 files." in response.content.decode()
    assert FORM["subject"] in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("picture.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "image/png"),
        ("x.pdf.html", PDF, "text/html"),
        ("x.pdf.html", b"<html><body>not a pdf</body></html>", "text/html"),
        (
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("renamed.png", PDF, "image/png"),
    ],
    ids=["html-with-png-header", "pdf-named-html", "html-named-pdf-html", "svg", "pdf-named-png"],
)
def test_upload_attacks_are_refused_and_the_form_keeps_the_rest(
    citizen, name, content, content_type, signed_in
):
    response = signed_in(citizen).post(
        "/en/complaints/new/", FORM | {"attachments": [upload(name, content, content_type)]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Upload a PDF, JPG or PNG file." in page
    assert FORM["subject"] in page and FORM["description"] in page
    assert not Complaint.objects.exists() and not ComplaintAttachment.objects.exists()


def test_an_oversize_file_is_refused(citizen, settings, signed_in):
    settings.MUSANED_MAX_UPLOAD_BYTES = 1024
    big = PDF + b"0" * 2048
    response = signed_in(citizen).post(
        "/en/complaints/new/", FORM | {"attachments": [upload("big.pdf", big)]}
    )
    assert "The file is larger than 1.0\xa0KB." in response.content.decode()
    assert FORM["subject"] in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_path_like_file_name_never_reaches_the_disk(citizen, signed_in):
    """The browser's name is cut to its last part by Django's parser; the file is stored
    under a name the server made, inside the media folder."""
    body = (
        b"--B\r\n"
        b'Content-Disposition: form-data; name="attachments"; filename="../../../etc/cron.d/x.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n"
    )
    for key, value in FORM.items():
        body += f'--B\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
    body += b"--B--\r\n"
    client = signed_in(citizen)
    response = client.generic(
        "POST",
        "/complaints/new/",
        body,
        content_type="multipart/form-data; boundary=B",
        HTTP_X_CSRFTOKEN="x",
    )
    assert response.status_code == 302
    attachment = ComplaintAttachment.objects.get()
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert "/" not in attachment.display_name and ".." not in attachment.display_name
    assert attachment.display_name == "x.pdf"
    assert "cron" not in attachment.file.name


def test_a_png_and_a_jpeg_are_accepted(citizen, signed_in):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "JPEG")
    response = signed_in(citizen).post(
        "/complaints/new/",
        FORM
        | {
            "attachments": [
                upload("photo.png", png_bytes(size=(4, 4), color="green"), "image/png"),
                upload("photo.jpeg", out.getvalue(), "image/jpeg"),
            ]
        },
    )
    assert response.status_code == 302
    assert sorted(ComplaintAttachment.objects.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/png",
    ]


def test_a_complaint_about_a_visa_lists_only_the_owners_visas(citizen, other_citizen, signed_in):
    mine = complete_draft(citizen)
    theirs = complete_draft(other_citizen)
    for application in (mine, theirs):
        type(application).objects.filter(pk=application.pk).update(state="in_review")
    client = signed_in(citizen)
    page = client.get("/en/complaints/new/").content.decode()
    assert mine.reference in page and theirs.reference not in page
    refused = client.post(
        "/en/complaints/new/", FORM | {"category": "visa", "visa": theirs.reference}
    )
    assert refused.status_code == 200 and not Complaint.objects.exists()
    client.post("/en/complaints/new/", FORM | {"category": "visa", "visa": mine.reference})
    assert Complaint.objects.get().visa == mine


def test_another_citizens_complaint_and_attachment_are_404(citizen, other_citizen, signed_in):
    signed_in(citizen).post(
        "/complaints/new/", FORM | {"attachments": [upload("receipt.pdf", PDF)]}
    )
    complaint = Complaint.objects.get()
    attachment = complaint.attachments.get()
    stranger = signed_in(other_citizen)
    for url in (
        f"/complaints/{complaint.number}/",
        f"/complaints/{complaint.number}/attachments/{attachment.pk}/",
    ):
        assert stranger.get(url).status_code == 404
    for url in ("reply", "reopen", "rate"):
        assert stranger.post(f"/complaints/{complaint.number}/{url}/").status_code == 404
    owner = signed_in(citizen)
    download = owner.get(f"/complaints/{complaint.number}/attachments/{attachment.pk}/")
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert Client().get(f"/complaints/{complaint.number}/").status_code == 302


def test_internal_notes_never_reach_the_beneficiarys_page(citizen, officer, signed_in):
    complaint = file_complaint(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    services.complaint_note(complaint=complaint, actor=officer, body="SECRET-NOTE: call the office")
    transition(obj=complaint, action=Action.ANSWER, actor=officer, message="We called the office.")
    page = signed_in(citizen).get(f"/en/complaints/{complaint.number}/").content.decode()
    assert "We called the office." in page
    assert "SECRET-NOTE" not in page


def test_citizen_replies_with_a_file_only_when_asked(citizen, officer, signed_in):
    complaint = file_complaint(citizen)
    client = signed_in(citizen)
    url = f"/en/complaints/{complaint.number}/reply/"
    refused = client.post(url, {"message": "Here."})
    assert refused.status_code == 400
    assert "cannot do that now" in refused.content.decode()
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.ASK_INFO, actor=officer, message="Send the contract.")
    page = client.get(f"/en/complaints/{complaint.number}/").content.decode()
    assert "Send the contract." in page and "Reply to the officer" in page
    empty = client.post(url, {"message": ""})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    client.post(url, {"message": "The contract.", "attachments": [upload("contract.pdf", PDF)]})
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.IN_REVIEW
    reply = complaint.messages.get(kind="reply")
    assert reply.attachments.get().display_name == "contract.pdf"


def test_citizen_rates_the_resolution_once(citizen, officer, signed_in):
    complaint = file_complaint(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.RESOLVE, actor=officer, message="The office refunded.")
    client = signed_in(citizen)
    url = f"/en/complaints/{complaint.number}/rate/"
    bad = client.post(url, {"rating": "9", "comment": "keep me"})
    assert bad.status_code == 400 and "keep me" in bad.content.decode()
    client.post(url, {"rating": "4", "comment": "Quick."})
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.rating_comment) == (4, "Quick.")
    again = client.post(url, {"rating": "1"})
    assert again.status_code == 400
    complaint.refresh_from_db()
    assert complaint.rating == 4


def test_citizen_reopens_within_the_window_but_not_after(citizen, officer, signed_in):
    import datetime as dt

    import time_machine

    complaint = file_complaint(citizen)
    transition(obj=complaint, action=Action.TAKE, actor=officer)
    transition(obj=complaint, action=Action.RESOLVE, actor=officer, message="Done.")
    client = signed_in(citizen)
    url = f"/en/complaints/{complaint.number}/reopen/"
    with time_machine.travel(dt.timedelta(days=8)):
        late = signed_in(citizen).post(url, {"message": "Still broken."})
        assert late.status_code == 400
        assert "within 7 days" in late.content.decode()
    client.post(url, {"message": "Still broken."})
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.IN_REVIEW and complaint.resolved_at is None


def test_the_hub_offers_complaints(citizen, signed_in):
    page = signed_in(citizen).get("/en/services/").content.decode()
    assert 'href="/en/complaints/"' in page
