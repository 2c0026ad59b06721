"""The contract's PDF: what a party reads in it (the number, the parties, the worker, the
money, the terms with their version, the clauses in both languages, the signatures with
the contract's SHA-256), Arabic shaped and in logical order, and a page image to look at.
It is downloaded from both parties' contract pages, and from nobody else's.

Text is read back with pypdf (and poppler's ``pdftotext`` where it is installed, which
keeps Arabic words whole); pages are drawn with ``pdftoppm``. A test that needs a poppler
tool is skipped, with the reason, where it is not installed."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from musaned.accounts.tests.factories import StaffFactory
from musaned.recruitment.models import Contract
from musaned.recruitment.pdf import contract_filename, render_contract_pdf
from musaned.recruitment.tests.factories import accepted, signed

pytestmark = pytest.mark.django_db

SCREENSHOTS = Path(settings.BASE_DIR) / "screenshots"


def needs(tool: str):
    return pytest.mark.skipif(
        shutil.which(tool) is None,
        reason=f"{tool} is not installed (Debian: apt-get install -y poppler-utils)",
    )


def run(*args: str) -> bytes:
    # Fixed poppler commands on files this test made.
    return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout  # noqa: S603


@pytest.fixture
def contract(mohammed, manager, office) -> Contract:
    """A contract both parties signed (the office's manager, then the beneficiary)."""
    contract = signed(mohammed, manager, accepted(mohammed, manager, office))
    return Contract.objects.get(pk=contract.pk)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def poppler_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    return run("pdftotext", "-enc", "UTF-8", str(path), "-").decode()


def test_the_pdf_reads_the_contract_and_writes_nothing(contract):
    contract = Contract.objects.get(pk=contract.pk)  # nothing cached
    with CaptureQueriesContext(connection) as queries:
        pdf = render_contract_pdf(contract)
    assert pdf.startswith(b"%PDF")
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    assert len(queries.captured_queries) <= 3  # the signatures and their signers


def test_the_pdf_holds_the_number_parties_worker_money_terms_and_signatures(contract):
    text = text_of(render_contract_pdf(contract, language="en"))
    document = contract.document
    for value in (
        contract.number,
        "Standard domestic worker recruitment contract",
        document["office"]["name_en"],
        document["office"]["licence_number"],
        document["office"]["cr_number"],
        "Maria Santos Reyes",
        contract.passport_number,
        "Philippines",
        "Housemaid",
        "17 May 1994",
        "Christian",
        "Single",
        "Filipino, English",
        contract.visa.visa_number,
        "SAR 1,500",  # the monthly salary
        "SAR 11,500",  # the price before VAT
        "SAR 1,725",  # VAT at 15 %
        "SAR 13,225",  # the total
        "Version",
        "2026.1",
        "90 days from the day of payment, then a 30-day extension",
        "15 % compensation in the extension, 20 % after it",
        "Days 6–30",
        "This contract is made on the Musaned platform",
        "11. Each party signs this contract electronically",
        "The beneficiary (employer)",
        "An SMS code to the beneficiary's mobile",
        "The office manager's portal session",
    ):
        assert value in text, value
    # Both signatures hold the contract's SHA-256, and the document's own is printed.
    assert text.count(contract.document_hash) == 3
    # The beneficiary's ID number is masked, as on the e-visa.
    assert "1*******08" in text
    assert "1000000008" not in text


def test_a_contract_not_yet_signed_says_so_for_each_party(mohammed, manager, office):
    contract = accepted(mohammed, manager, office)
    text = text_of(render_contract_pdf(contract, language="en"))
    assert text.count("Not signed yet") == 2
    assert text.count(contract.document_hash) == 1


def test_the_filename_names_the_contract(contract):
    assert contract_filename(contract) == f"recruitment-contract-{contract.number}.pdf"


def test_an_unknown_language_is_refused(contract):
    with pytest.raises(ValueError, match="language"):
        render_contract_pdf(contract, language="fr")


@needs("pdftotext")
def test_arabic_is_shaped_and_comes_back_in_logical_order(contract, tmp_path):
    text = poppler_text(render_contract_pdf(contract, language="ar"), tmp_path)
    for words in (
        "العقد الموحد لاستقدام العمالة المنزلية",
        "مكتب الاستقدام",
        "الفلبين",
        "عاملة منزلية",
        "مسيحية",  # the worker is a woman: the feminine
        "عزباء",
        "رقم العقد",
        "يُبرم هذا العقد على منصة مساند",
        "التوقيعات",
        "رمز تحقق برسالة نصية إلى جوال المستفيد",
        "مطابقة لبصمة العقد",
    ):
        assert words in text, words
    assert contract.number in text
    assert contract.document_hash in text


@needs("pdftoppm")
def test_the_pages_render_and_the_arabic_is_set_from_the_right(contract, tmp_path):
    """Page one as an image (kept in screenshots/ to look at): the green band, then the
    Arabic labels and clauses ink the right of the page, the English ones the left."""
    pdf = render_contract_pdf(contract, language="ar")
    path = tmp_path / "contract.pdf"
    path.write_bytes(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert 2 <= pages <= 5
    run("pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "p"))
    images = sorted(tmp_path.glob("p*.png"))
    assert len(images) == pages
    first = Image.open(images[0]).convert("RGB")
    assert first.size == (827, 1170)  # A4 at 100 dpi
    assert first.getpixel((400, 20)) == (0, 108, 53)  # the header band
    SCREENSHOTS.mkdir(exist_ok=True)
    for index, image in enumerate(images, start=1):
        shutil.copyfile(image, SCREENSHOTS / f"recruitment-contract-page{index}.png")


# --- Who may download it ------------------------------------------------------------------


def test_both_parties_download_the_pdf_and_nobody_else(
    contract, signed_in, mohammed, sarah, manager, employee, other_office, other_manager, client
):
    with translation.override("ar"):
        office_url = reverse("recruitment_office:contract_pdf", kwargs={"uid": contract.uid})
        own_url = reverse(
            "recruitment_office:beneficiary_contract_pdf", kwargs={"uid": contract.uid}
        )
    staff = StaffFactory(username="auditor", permissions=["view_all_contracts"])

    for person in (manager, employee):
        response = signed_in(person).get(office_url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="recruitment-contract-{contract.number}.pdf"'
        )
        assert response.content.startswith(b"%PDF")
    response = signed_in(mohammed).get(own_url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]

    # Each party only on its own route; another office, another beneficiary, staff: 404.
    for person, url in (
        (mohammed, office_url),
        (manager, own_url),
        (other_manager, office_url),
        (sarah, own_url),
        (staff, office_url),
        (staff, own_url),
    ):
        assert signed_in(person).get(url).status_code == 404, (person, url)
    for url in (office_url, own_url):
        assert client.get(url).status_code == 302  # to sign in


def test_arabic_labels_stand_on_the_right_and_english_ones_on_the_left(contract):
    """Where each label's text starts on page one (pypdf's text matrix): an Arabic label is
    set from the right edge of the page, its English twin from the left margin."""
    page = PdfReader(io.BytesIO(render_contract_pdf(contract, language="ar"))).pages[0]
    width = float(page.mediabox.width)
    starts: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        text = text.strip()
        if text and text not in starts:
            starts[text] = tm[4] * cm[0] + cm[4]

    page.extract_text(visitor_text=visit)
    for arabic, english in (("الجنسية", "Nationality"), ("رقم الجواز", "Passport number")):
        found = next(x for text, x in starts.items() if arabic in text)
        assert found > width / 2, (arabic, found)
        assert starts[english] < width / 4, (english, starts[english])
