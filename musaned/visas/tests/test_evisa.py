"""The e-visa PDF: content, bilingual text in logical order, the QR code, and a page image.

Text and image checks use poppler-utils (``pdftotext``, ``pdftoppm``, ``pdfimages``);
each such test is skipped, with the reason, where that tool is not installed.
"""

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from PIL import Image

from musaned.accounts.tests.factories import UserFactory
from musaned.identity.hijri import GREGORIAN_MONTHS, HIJRI_MONTHS, gregorian_to_hijri
from musaned.visas.evisa import evisa_filename, render_evisa_pdf
from musaned.visas.models import ArrivalPoint, Nationality, Occupation, VisaApplication

VERIFY_URL = "https://musaned.example/visas/verify/q0T8rYl1o2Xv3AbCdEfGhIjKlMnOpQrStUvWxYz0123/"
ISSUED_ON = dt.date(2026, 11, 25)
EXPIRES_ON = dt.date(2027, 11, 25)
SCREENSHOT = Path(settings.BASE_DIR) / "screenshots" / "evisa-page1.png"


def needs(tool: str):
    return pytest.mark.skipif(
        shutil.which(tool) is None,
        reason=f"{tool} is not installed (Debian: apt-get install -y poppler-utils)",
    )


@pytest.fixture
def application(db):
    owner = UserFactory(
        username="evisa-owner",
        national_id="1000000008",
        id_type="citizen",
        first_name="محمد",
        last_name="العتيبي",
    )
    occupation = Occupation.objects.create(
        code="evisa-test-housemaid", name_ar="عاملة منزلية", name_en="Housemaid"
    )
    nationality = Nationality.objects.create(code="ZZP", name_ar="الفلبين", name_en="Philippines")
    # The longest real airport name: it must shrink to fit its cell, not spill out.
    arrival = ArrivalPoint.objects.create(
        code="ZZM",
        name_ar="مطار الأمير محمد بن عبدالعزيز الدولي - المدينة المنورة",
        name_en="Prince Mohammad bin Abdulaziz International Airport, Madinah",
    )
    return VisaApplication.objects.create(
        owner=owner,
        reference="583920174615",
        state="issued",
        occupation=occupation,
        nationality=nationality,
        worker_gender="F",
        arrival_point=arrival,
        visa_number="740291836655",
        issued_number="918273645501",
        issued_on=ISSUED_ON,
        expires_on=EXPIRES_ON,
        verification_token="q0T8rYl1o2Xv3AbCdEfGhIjKlMnOpQrStUvWxYz0123",
    )


@pytest.fixture
def pdf_file(application, tmp_path):
    path = tmp_path / "e-visa.pdf"
    path.write_bytes(render_evisa_pdf(application, verify_url=VERIFY_URL))
    return path


def run(*args: str) -> bytes:
    # Fixed poppler commands on files this test made.
    return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout  # noqa: S603


def hijri_month(value: dt.date, language: str) -> str:
    with translation.override(language):
        return str(HIJRI_MONTHS[gregorian_to_hijri(value)[1] - 1])


def test_is_a_one_page_pdf_and_writes_nothing(application):
    application = VisaApplication.objects.get(pk=application.pk)  # nothing cached
    with CaptureQueriesContext(connection) as queries:
        pdf = render_evisa_pdf(application, verify_url=VERIFY_URL)
    assert pdf.startswith(b"%PDF")
    assert b"/Count 1\n" in pdf  # one page
    assert queries.captured_queries, "it reads the owner and the catalogue rows"
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)


def test_filename(application):
    assert evisa_filename(application) == "e-visa-740291836655.pdf"


def test_english_first_also_renders(application):
    assert render_evisa_pdf(application, verify_url=VERIFY_URL, language="en").startswith(b"%PDF")


def test_refuses_an_unknown_language_and_an_application_without_a_visa(application):
    with pytest.raises(ValueError, match="language"):
        render_evisa_pdf(application, verify_url=VERIFY_URL, language="fr")
    application.visa_number = None  # not saved
    with pytest.raises(ValueError, match="visa number"):
        render_evisa_pdf(application, verify_url=VERIFY_URL)


@needs("pdftotext")
def test_text_has_the_numbers_both_calendars_and_arabic_in_logical_order(pdf_file):
    text = run("pdftotext", "-enc", "UTF-8", str(pdf_file), "-").decode()

    # Numbers people quote, and the masked ID only.
    for number in ("740291836655", "918273645501", "583920174615", "1*******08"):
        assert number in text
    assert "1000000008" not in text

    # Title, name and catalogue values in both languages.
    assert "Domestic worker recruitment visa" in text
    assert "تأشيرة استقدام عمالة منزلية" in text  # shaped glyphs map back to logical order
    assert "تأشيرة" in text
    assert "محمد العتيبي" in text
    for value in ("عاملة منزلية", "Housemaid", "الفلبين", "Philippines", "أنثى", "Female"):
        assert value in text
    assert "Issued" in text
    assert "صادرة" in text

    # Both calendars, Hijri with Arabic and English month names. (pdftotext prints a
    # mixed Arabic line's digit runs apart from its words, so the Arabic side is
    # checked word by word.)
    for date in (ISSUED_ON, EXPIRES_ON):
        year, _month, day = gregorian_to_hijri(date)
        assert f"{day} {hijri_month(date, 'en')} {year} AH" in text
        assert hijri_month(date, "ar") in text
        with translation.override("en"):
            assert f"{date.day} {GREGORIAN_MONTHS[date.month - 1]} {date.year}" in text
        with translation.override("ar"):
            assert str(GREGORIAN_MONTHS[date.month - 1]) in text
    assert "جمادى الآخرة" in text  # the Arabic month of ISSUED_ON, from the Arabic catalogue
    assert "هـ" in text

    # The QR caption and the address it encodes.
    assert "Scan to verify" in text
    assert "امسح للتحقق" in text
    assert VERIFY_URL in text.replace("\n", "")


@needs("pdfimages")
def test_the_qr_code_on_the_page_encodes_the_verify_url(pdf_file, tmp_path):
    """No QR decoder is installed, so compare the embedded image with segno's own drawing."""
    run("pdfimages", "-png", str(pdf_file), str(tmp_path / "image"))
    images = sorted(tmp_path.glob("image-*.png"))
    assert len(images) == 1
    embedded = Image.open(images[0]).convert("1")
    expected = io.BytesIO()
    segno.make(VERIFY_URL, error="m").save(expected, kind="png", scale=8, border=2)
    expected.seek(0)
    drawn = Image.open(expected).convert("1")
    assert embedded.size == drawn.size
    assert embedded.tobytes() == drawn.tobytes()


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="no QR decoder (zbarimg) installed")
def test_the_qr_code_decodes_to_the_verify_url(pdf_file, tmp_path):
    run("pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", str(pdf_file), str(tmp_path / "p"))
    page = next(tmp_path.glob("p*.png"))
    assert run("zbarimg", "--raw", "-q", str(page)).decode().strip() == VERIFY_URL


@needs("pdftoppm")
def test_page_one_renders_to_an_a4_image(pdf_file, tmp_path):
    run("pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(pdf_file), str(tmp_path / "p"))
    pages = sorted(tmp_path.glob("p*.png"))
    assert len(pages) == 1
    image = Image.open(pages[0])
    assert image.size == (827, 1170)  # A4 at 100 dpi
    # Something is drawn: the green header band at the top.
    assert image.convert("RGB").getpixel((400, 20)) == (0, 108, 53)
    # Kept for people to look at (screenshots/ is not committed).
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(pages[0], SCREENSHOT)
