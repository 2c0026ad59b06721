"""What an uploaded document may hold (issue 10): PDFs parsed for real, pictures written
afresh, every file offered to the scanner port, and each refusal a translated sentence."""

import io
import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from musaned.core import scanning
from musaned.core.forms import Form
from musaned.core.tests import documents
from musaned.core.uploads import (
    CheckedUpload,
    DocumentField,
    UploadErrorCode,
    UploadRefused,
    check_upload,
)


class EicarScanner:
    """A scanner for tests: finds the EICAR test string anywhere in the file."""

    enabled = True

    def scan(self, data: bytes) -> scanning.ScanResult:
        if documents.EICAR in data:
            return scanning.ScanResult(clean=False, signature="Eicar-Test-Signature")
        return scanning.ScanResult(clean=True)


class DownScanner:
    """A scanner that is configured but does not answer."""

    enabled = True

    def scan(self, data: bytes) -> scanning.ScanResult:
        raise scanning.ScannerUnavailable("connection refused")


class ProofForm(Form):
    proof = DocumentField(label="Proof")


def submit(name: str, content: bytes, language: str = "en") -> ProofForm:
    with translation.override(language):
        form = ProofForm(data={}, files={"proof": SimpleUploadedFile(name, content)})
        form.is_valid()
        # Render the messages while the language is active (they are lazy or formatted now).
        form.messages = [str(m) for m in form.errors.get("proof", [])]
    return form


def refusal(name: str, content: bytes) -> UploadRefused:
    with pytest.raises(UploadRefused) as refused:
        check_upload(SimpleUploadedFile(name, content))
    return refused.value


# --- PDFs ------------------------------------------------------------------------------


def test_a_plain_pdf_is_accepted_and_stored_as_sent():
    pdf = documents.minimal_pdf("statement")
    checked = check_upload(SimpleUploadedFile("statement.pdf", pdf))
    assert isinstance(checked, CheckedUpload)
    assert checked.sniffed_type == "application/pdf"
    assert checked.read() == pdf


def test_a_pdf_as_office_software_writes_it_is_accepted():
    """fpdf2 with an embedded TrueType font, a picture, a web link and several pages:
    what a bank's statement generator writes passes."""
    import fontpkg  # the font the e-visa uses (fpdf2 embeds it)
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font("Amiri", fname=str(fontpkg.path("Amiri", weight=400)))
    for number in range(3):
        pdf.add_page()
        pdf.set_font("Amiri", size=14)
        pdf.cell(text=f"Statement page {number + 1}", link="https://bank.example/statement")
        pdf.image(io.BytesIO(documents.png_bytes(size=(300, 200))), x=20, y=40, w=60)
    data = bytes(pdf.output())
    assert check_upload(SimpleUploadedFile("statement.pdf", data)).read() == data


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (documents.pdf_with_javascript, UploadErrorCode.PDF_SCRIPT),
        (documents.pdf_with_javascript_link, UploadErrorCode.PDF_SCRIPT),
        (documents.pdf_with_javascript_uri, UploadErrorCode.PDF_SCRIPT),
        (documents.pdf_with_launch_action, UploadErrorCode.PDF_LAUNCH),
        (documents.pdf_with_embedded_file, UploadErrorCode.PDF_EMBEDDED_FILE),
        (documents.pdf_with_file_attachment_annotation, UploadErrorCode.PDF_EMBEDDED_FILE),
        (documents.encrypted_pdf, UploadErrorCode.PDF_ENCRYPTED),
    ],
    ids=[
        "javascript-on-open",
        "javascript-link-annotation",
        "javascript-uri",
        "launch-action",
        "embedded-file",
        "file-attachment-annotation",
        "encrypted",
    ],
)
def test_an_active_or_encrypted_pdf_is_refused(make, code):
    assert refusal("statement.pdf", make()).code == code


def test_javascript_hidden_in_an_object_stream_with_escaped_names_is_found():
    # /J#61vaScript is /JavaScript once read; the object sits inside a compressed object stream.
    hidden = documents.pdf_with_object_stream(b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert refusal("statement.pdf", hidden).code == UploadErrorCode.PDF_SCRIPT
    harmless = documents.pdf_with_object_stream(b"<< /Note (nothing to run) >>")
    assert check_upload(SimpleUploadedFile("statement.pdf", harmless)).size == len(harmless)


def test_a_pdf_with_more_pages_than_the_setting_is_refused(settings):
    settings.MUSANED_PDF_MAX_PAGES = 3
    check_upload(SimpleUploadedFile("ok.pdf", documents.pdf_with_pages(3)))
    assert refusal("long.pdf", documents.pdf_with_pages(4)).code == (
        UploadErrorCode.PDF_TOO_MANY_PAGES
    )
    form = submit("long.pdf", documents.pdf_with_pages(4))
    assert form.messages == ["A PDF may have at most 3 pages. Upload the pages that matter."]


@pytest.mark.parametrize(
    "bomb",
    [
        documents.pdf_bomb,
        lambda: documents.pdf_bomb(layers=2),
        lambda: documents.pdf_with_object_stream(b"<<>>", padding=100 * 2**20),
    ],
    ids=["in-a-page", "deflated-twice", "in-an-object-stream"],
)
def test_a_decompression_bomb_is_refused_without_unpacking_it_into_memory(bomb):
    data = bomb()
    assert len(data) < 5 * 2**20  # a small file …
    tracemalloc.start()
    started = time.monotonic()
    try:
        refused = refusal("statement.pdf", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.code == UploadErrorCode.PDF_TOO_LARGE_UNPACKED  # … of 100 MB unpacked
    # The budget is 50 MB; what the check holds at once is a few small pieces.
    assert peak < 8 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    assert time.monotonic() - started < 5


def test_the_unpacked_limit_is_a_setting(settings):
    settings.MUSANED_PDF_MAX_UNPACKED_BYTES = 200 * 2**20
    check_upload(SimpleUploadedFile("big.pdf", documents.pdf_bomb(100 * 2**20)))
    settings.MUSANED_PDF_MAX_UNPACKED_BYTES = 2**20
    assert refusal("big.pdf", documents.pdf_bomb(2 * 2**20)).code == (
        UploadErrorCode.PDF_TOO_LARGE_UNPACKED
    )


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no catalogue, no pages
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
        documents.minimal_pdf()[:200],  # cut off
    ],
    ids=["no-pages", "noise", "truncated"],
)
def test_a_pdf_that_does_not_parse_is_refused(content):
    assert refusal("statement.pdf", content).code == UploadErrorCode.PDF_UNREADABLE


def test_refusals_are_sentences_next_to_the_field_in_both_languages():
    english = submit("statement.pdf", documents.pdf_with_javascript())
    assert english.messages == [
        "The PDF contains scripts (JavaScript or an interactive form), which we do not "
        "accept. Print it to a new PDF and upload that."
    ]
    arabic = submit("statement.pdf", documents.encrypted_pdf(), language="ar")
    assert arabic.messages == ["ملف PDF محمي بكلمة مرور أو بتشفير. ارفع نسخة غير محمية."]
    embedded = submit("statement.pdf", documents.pdf_with_embedded_file(), language="ar")
    assert "ملفات أخرى" in embedded.messages[0]


# --- Pictures ----------------------------------------------------------------------------


def stored_picture(checked: CheckedUpload) -> Image.Image:
    checked.seek(0)
    image = Image.open(io.BytesIO(checked.read()))
    image.load()
    return image


def test_a_photo_is_written_afresh_without_its_exif_and_the_right_way_up():
    # Orientation 6: the camera was turned; viewers rotate the 60x40 picture to 40x60.
    photo = documents.jpeg_with_exif(size=(60, 40), orientation=6, gps=True)
    assert b"Camera maker" in photo
    checked = check_upload(SimpleUploadedFile("photo.jpg", photo))
    assert checked.sniffed_type == "image/jpeg"
    stored = stored_picture(checked)
    assert stored.format == "JPEG"
    assert stored.size == (40, 60)
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert b"Camera maker" not in checked.read()


def test_a_png_loses_its_text_chunks_and_anything_hidden_after_its_end():
    picture = documents.png_bytes(text={"Comment": "secret note", "Author": "someone"})
    sent = picture + b"PK\x03\x04 a zip file hidden after IEND"
    checked = check_upload(SimpleUploadedFile("scan.png", sent))
    data = checked.read()
    assert b"secret note" not in data and b"PK\x03\x04" not in data
    stored = stored_picture(checked)
    assert stored.format == "PNG" and stored.size == (40, 30)
    assert "Comment" not in stored.info
    assert stored.getpixel((5, 5)) == (200, 30, 30)  # the same pixels


def test_a_picture_bomb_is_refused_from_its_header(settings):
    bomb = documents.png_bomb(12_000)  # 144 million pixels in under a megabyte
    assert len(bomb) < 2**20
    tracemalloc.start()
    try:
        refused = refusal("scan.png", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.code == UploadErrorCode.IMAGE_TOO_MANY_PIXELS
    assert peak < 8 * 2**20
    settings.MUSANED_IMAGE_MAX_PIXELS = 1_000_000
    check_upload(SimpleUploadedFile("p.png", documents.png_bytes(size=(1000, 1000))))
    photo = documents.png_bytes(size=(1001, 1000))
    assert refusal("p.png", photo).code == UploadErrorCode.IMAGE_TOO_MANY_PIXELS
    assert submit("p.png", photo).messages == [
        "The picture is larger than 1 megapixel. Upload a smaller picture."
    ]
    assert submit("p.png", photo, language="ar").messages == [
        "عدد نقاط الصورة أكبر من الحد المسموح به، وهو مليون نقطة. ارفع صورة أصغر."
    ]


def test_a_picture_that_does_not_decode_is_refused():
    picture = documents.png_bytes(size=(200, 200))
    assert refusal("cut.png", picture[: len(picture) // 2]).code == (
        UploadErrorCode.IMAGE_UNREADABLE
    )
    assert refusal("x.jpg", b"\xff\xd8\xff\xe0 not really a jpeg").code == (
        UploadErrorCode.IMAGE_UNREADABLE
    )


# --- The scanner port ---------------------------------------------------------------------


def test_with_scanning_off_a_file_is_not_scanned(settings):
    settings.UPLOAD_SCANNER_BACKEND = "musaned.core.scanning.NoScanner"
    assert scanning.get_scanner().enabled is False
    check_upload(SimpleUploadedFile("statement.pdf", documents.pdf_with_eicar()))


def test_the_eicar_test_file_inside_a_pdf_is_refused_by_the_scanner(settings):
    settings.UPLOAD_SCANNER_BACKEND = "musaned.core.tests.test_uploads.EicarScanner"
    pdf = documents.pdf_with_eicar()
    assert refusal("statement.pdf", pdf).code == UploadErrorCode.INFECTED
    # The scanner sees the file as sent: a picture with EICAR behind it is refused too,
    # although what we would store (the re-encoded pixels) would not carry it.
    assert refusal("p.png", documents.png_bytes() + documents.EICAR).code == (
        UploadErrorCode.INFECTED
    )
    check_upload(SimpleUploadedFile("statement.pdf", documents.minimal_pdf()))
    form = submit("statement.pdf", pdf, language="ar")
    assert form.messages == ["لم يُقبل الملف: وجد فحص الفيروسات فيه محتوى ضارًا."]


def test_a_configured_scanner_that_does_not_answer_refuses_with_try_again_later(settings):
    settings.UPLOAD_SCANNER_BACKEND = "musaned.core.tests.test_uploads.DownScanner"
    assert refusal("statement.pdf", documents.minimal_pdf()).code == (
        UploadErrorCode.SCANNER_UNAVAILABLE
    )
    form = submit("statement.pdf", documents.minimal_pdf())
    assert form.messages == [
        "We cannot check files for viruses right now, so the file was not accepted. "
        "Try again in a few minutes."
    ]


def test_scanning_is_off_by_default_and_a_clamd_socket_turns_the_adapter_on(monkeypatch):
    import importlib

    import config.settings.base as base

    for name in ("CLAMD_SOCKET", "CLAMD_HOST", "UPLOAD_SCANNER_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    try:
        assert importlib.reload(base).UPLOAD_SCANNER_BACKEND == "musaned.core.scanning.NoScanner"
        monkeypatch.setenv("CLAMD_SOCKET", "/run/clamav/clamd.ctl")
        assert importlib.reload(base).UPLOAD_SCANNER_BACKEND == (
            "musaned.core.scanning.ClamdScanner"
        )
        monkeypatch.setenv("UPLOAD_SCANNER_BACKEND", "none")  # said by name: off
        assert importlib.reload(base).UPLOAD_SCANNER_BACKEND == "musaned.core.scanning.NoScanner"
    finally:
        monkeypatch.undo()
        importlib.reload(base)
