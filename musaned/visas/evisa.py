"""The e-visa: one A4 PDF page, Arabic and English side by side, with a verification QR code.

Every label is printed in both languages (English on the left, Arabic on the
right, as on the paper visa); each value is printed once, in the middle, with
its other-language rendering underneath where it has one (catalogue names,
month names). ``language`` chooses which of the two leads.

Arabic is shaped and ordered by HarfBuzz (``uharfbuzz``) through fpdf2's text
shaping, which also applies the Unicode bidirectional algorithm. The font is
Amiri from the ``fontpkg-amiri`` wheel, never the network or the system's font
folders; it draws Latin too (up to Latin Extended-A), so one font serves both
languages. Amiri was chosen because it draws one glyph per Arabic letter, so
text copied or extracted from the PDF keeps its words and logical order: Noto
Sans Arabic draws dots as separately positioned marks (extraction splits the
words there) and IBM Plex Sans Arabic uses ligatures such as yeh-reh, whose
letters extraction tools put back in the wrong order. The QR code (``segno``)
is a PNG made in memory.

Rendering reads the application and its related rows and writes nothing.
"""

import datetime as dt
import io
import logging
from functools import cache

import fontpkg
import segno
from django.utils import translation
from fpdf import FPDF
from fpdf.enums import WrapMode

from musaned.identity.hijri import format_gregorian, format_hijri
from musaned.identity.saudi_id import mask_id

FONT_FAMILY = "Amiri"
FONT = "amiri"

# fontTools reports every step of subsetting at INFO; that is noise in the server's log.
logging.getLogger("fontTools").setLevel(logging.WARNING)

TITLE_EN = "Domestic worker recruitment visa"
TITLE_AR = "تأشيرة استقدام عمالة منزلية"

GREEN = (0, 108, 53)
PALE_GREEN = (232, 243, 236)
RED = (176, 32, 32)
PALE_RED = (251, 234, 234)
INK = (25, 28, 30)
MUTED = (95, 102, 108)
RULE = (214, 219, 222)

# The official wording of the states a visa can be in, in both languages of the document.
STATUS_NAMES = {
    "issued": ("صادرة", "Issued"),
    "expired": ("منتهية الصلاحية", "Expired"),
    "cancelled": ("ملغاة", "Cancelled"),
}
GENDER_NAMES = {"M": ("ذكر", "Male"), "F": ("أنثى", "Female")}

# Amiri's letters are small for their point size next to its Latin: Arabic-only text is set larger.
AR_SCALE = 1.15

PAGE_W = 210
MARGIN = 15
CONTENT_W = PAGE_W - 2 * MARGIN
LABEL_W = 50
VALUE_W = CONTENT_W - 2 * LABEL_W


@cache
def font_paths() -> tuple[str, str]:
    """The installed font files, regular and bold."""
    return str(fontpkg.path(FONT_FAMILY, weight=400)), str(fontpkg.path(FONT_FAMILY, weight=700))


def evisa_filename(application) -> str:
    return f"e-visa-{application.visa_number or application.reference}.pdf"


def render_evisa_pdf(application, *, verify_url: str, language: str = "ar") -> bytes:
    """The e-visa of an application that has a visa number, as PDF bytes."""
    if language not in ("ar", "en"):
        raise ValueError(f"language must be 'ar' or 'en', not {language!r}")
    if not application.visa_number:
        raise ValueError("an e-visa needs a visa number: this application has none")

    pdf = _new_document(application, language)
    pdf.add_page()
    letterhead(pdf, TITLE_EN, TITLE_AR)
    _numbers(pdf, application)
    _status(pdf, application)

    owner = application.owner
    _section(pdf, "Employer", "صاحب العمل")
    _row(pdf, "Name", "الاسم", (owner.get_full_name() or owner.get_username(), ""))
    _row(pdf, "ID number", "رقم الهوية", (mask_id(owner.national_id or ""), ""))

    _section(pdf, "Worker", "العامل")
    _row(pdf, "Occupation", "المهنة", _bilingual(application.occupation, language))
    _row(pdf, "Nationality", "الجنسية", _bilingual(application.nationality, language))
    _row(
        pdf,
        "Gender",
        "الجنس",
        ordered(GENDER_NAMES.get(application.worker_gender, ("—", "—")), language),
    )
    _row(pdf, "Arrival point", "منفذ الوصول", _bilingual(application.arrival_point, language))

    _section(pdf, "Validity", "مدة الصلاحية")
    _date_rows(
        pdf,
        (
            ("Issue date", "تاريخ الإصدار", application.issued_on),
            ("Expiry date", "تاريخ الانتهاء", application.expires_on),
        ),
        language,
    )

    _qr_block(pdf, verify_url)
    _footer(pdf)
    return bytes(pdf.output())


# --- document and blocks ---------------------------------------------------------------


def _new_document(application, language: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=False)
    regular, bold = font_paths()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)
    pdf.set_text_shaping(True)
    pdf.set_lang(language)
    title = f"{TITLE_AR} — {TITLE_EN}" if language == "ar" else f"{TITLE_EN} — {TITLE_AR}"
    pdf.set_title(f"{title} {application.visa_number}")
    pdf.set_author("Musaned / مساند")
    pdf.set_creator("Musaned")
    pdf.set_text_color(*INK)
    return pdf


def letterhead(pdf: FPDF, title_en: str, title_ar: str, size: float = 15) -> None:
    """The platform's green band with its name and the document's title in both
    languages (the e-visa's and the recruitment contract's)."""
    pdf.set_fill_color(*GREEN)
    pdf.rect(0, 0, PAGE_W, 34, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, size=10)
    pdf.set_xy(MARGIN, 8)
    pdf.cell(CONTENT_W / 2, 6, "Musaned · Domestic labour services", align="L")
    arabic(pdf, "", 10)
    pdf.cell(CONTENT_W / 2, 6, "مساند · خدمات العمالة المنزلية", align="R")
    pdf.set_font(FONT, "B", size)
    pdf.set_xy(MARGIN, 17)
    pdf.cell(CONTENT_W / 2, 10, title_en, align="L")
    arabic(pdf, "B", size)
    pdf.cell(CONTENT_W / 2, 10, title_ar, align="R")
    pdf.set_text_color(*INK)
    pdf.set_y(42)


def _numbers(pdf: FPDF, application) -> None:
    """The three numbers people quote, in boxes across the page."""
    boxes = (
        ("Visa number", "رقم التأشيرة", application.visa_number),
        ("Issued number", "رقم الصادر", application.issued_number or "—"),
        ("Request number", "رقم الطلب", application.reference),
    )
    gap = 5
    width = (CONTENT_W - 2 * gap) / 3
    top = pdf.get_y()
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    for index, (en, ar, value) in enumerate(boxes):
        x = MARGIN + index * (width + gap)
        pdf.rect(x, top, width, 25, round_corners=True, corner_radius=2)
        pdf.set_text_color(*MUTED)
        pdf.set_font(FONT, size=8.5)
        pdf.set_xy(x + 3, top + 2.5)
        pdf.cell(width - 6, 5, en, align="L")
        pdf.set_xy(x + 3, top + 2.5)
        arabic(pdf, "", 8.5)
        pdf.cell(width - 6, 5, ar, align="R")
        pdf.set_text_color(*INK)
        pdf.set_font(FONT, "B", 15)
        pdf.set_xy(x, top + 11)
        pdf.cell(width, 10, str(value), align="C")
    pdf.set_y(top + 25 + 5)


def _status(pdf: FPDF, application) -> None:
    ar, en = STATUS_NAMES.get(application.state) or _both(application.get_state_display)
    valid = application.state == "issued"
    top = pdf.get_y()
    pdf.set_fill_color(*(PALE_GREEN if valid else PALE_RED))
    pdf.rect(MARGIN, top, CONTENT_W, 11, style="F", round_corners=True, corner_radius=2)
    pdf.set_text_color(*(GREEN if valid else RED))
    pdf.set_font(FONT, size=9)
    pdf.set_xy(MARGIN + 4, top)
    pdf.cell(LABEL_W, 11, "Status", align="L")
    pdf.set_xy(MARGIN + CONTENT_W - LABEL_W - 4, top)
    arabic(pdf, "", 9)
    pdf.cell(LABEL_W, 11, "حالة التأشيرة", align="R")
    pdf.set_font(FONT, "B", 12)
    pdf.set_xy(MARGIN + LABEL_W, top)
    pdf.cell(VALUE_W, 11, f"{en}  ·  {ar}", align="C")
    pdf.set_text_color(*INK)
    pdf.set_y(top + 11 + 3)


def _section(pdf: FPDF, en: str, ar: str) -> None:
    top = pdf.get_y() + 3
    pdf.set_text_color(*GREEN)
    pdf.set_font(FONT, "B", 11)
    pdf.set_xy(MARGIN, top)
    pdf.cell(CONTENT_W / 2, 7, en, align="L")
    arabic(pdf, "B", 11)
    pdf.cell(CONTENT_W / 2, 7, ar, align="R")
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, top + 7.5, MARGIN + CONTENT_W, top + 7.5)
    pdf.set_text_color(*INK)
    pdf.set_y(top + 8)


def _row(pdf: FPDF, en: str, ar: str, value: tuple[str, str]) -> None:
    """English label | value (and its other-language line) | Arabic label."""
    height = 12 if value[1] else 8
    top = pdf.get_y()
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, size=9)
    pdf.set_xy(MARGIN, top)
    pdf.cell(LABEL_W, height, en, align="L")
    pdf.set_xy(MARGIN + LABEL_W + VALUE_W, top)
    arabic(pdf, "", 9)
    pdf.cell(LABEL_W, height, ar, align="R")
    _value(pdf, MARGIN + LABEL_W, top, VALUE_W, value)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, top + height, MARGIN + CONTENT_W, top + height)
    pdf.set_y(top + height)


def arabic(pdf: FPDF, style: str, size: float) -> None:
    pdf.set_font(FONT, style, round(size * AR_SCALE, 1))


def is_arabic(text: str) -> bool:
    """Arabic letters and no Latin ones (digits and punctuation may be either)."""
    return any("\u0600" <= c <= "\u06ff" for c in text) and not any(
        c.isascii() and c.isalpha() for c in text
    )


def _value(pdf: FPDF, x: float, top: float, width: float, value: tuple[str, str]) -> None:
    """A value centred in its cell, with its other-language line under it if it has one."""
    main, other = value
    pdf.set_text_color(*INK)
    _fitted(pdf, x, top + (1.5 if other else 1), width, 6, main, "B", 11)
    if other:
        pdf.set_text_color(*MUTED)
        _fitted(pdf, x, top + 6.5, width, 4.5, other, "", 8.5)
        pdf.set_text_color(*INK)


def _fitted(
    pdf: FPDF, x: float, y: float, width: float, height: float, text: str, style: str, size: float
) -> None:
    """One centred line, its font made smaller (down to 60 %) until it fits the width."""
    if is_arabic(text):
        size = round(size * AR_SCALE, 1)
    smallest = size * 0.6
    pdf.set_font(FONT, style, size)
    while size > smallest and pdf.get_string_width(text) > width - 2:
        size -= 0.5
        pdf.set_font(FONT, style, size)
    pdf.set_xy(x, y)
    pdf.cell(width, height, text, align="C")


def _date_rows(pdf: FPDF, dates, language: str) -> None:
    """Each date on one row: its Hijri (Umm al-Qura) and Gregorian forms side by side.

    The Hijri column stands on the side of the leading language (right for Arabic).
    """
    half = VALUE_W / 2
    hijri_x, gregorian_x = MARGIN + LABEL_W + half, MARGIN + LABEL_W
    if language != "ar":
        hijri_x, gregorian_x = gregorian_x, hijri_x
    top = pdf.get_y()
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, size=8)
    for x, text in ((hijri_x, "Hijri · هجري"), (gregorian_x, "Gregorian · ميلادي")):
        pdf.set_xy(x, top + 1)
        pdf.cell(half, 5, text, align="C")
    pdf.set_y(top + 6)
    for en, ar, value in dates:
        top = pdf.get_y()
        pdf.set_text_color(*MUTED)
        pdf.set_font(FONT, size=9)
        pdf.set_xy(MARGIN, top)
        pdf.cell(LABEL_W, 12, en, align="L")
        pdf.set_xy(MARGIN + LABEL_W + VALUE_W, top)
        arabic(pdf, "", 9)
        pdf.cell(LABEL_W, 12, ar, align="R")
        _value(pdf, hijri_x, top, half, _hijri(value, language))
        _value(pdf, gregorian_x, top, half, _gregorian(value, language))
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.2)
        pdf.line(MARGIN, top + 12, MARGIN + CONTENT_W, top + 12)
        pdf.set_y(top + 12)


def _qr_block(pdf: FPDF, verify_url: str) -> None:
    size = 38
    top = pdf.get_y() + 10
    png = io.BytesIO()
    segno.make(verify_url, error="m").save(png, kind="png", scale=8, border=2)
    png.seek(0)
    pdf.image(png, x=(PAGE_W - size) / 2, y=top, w=size, h=size)
    pdf.set_font(FONT, "B", 10)
    pdf.set_xy(MARGIN, top + size + 1)
    pdf.cell(CONTENT_W, 6, "Scan to verify / امسح للتحقق", align="C")
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, size=8)
    pdf.set_xy(MARGIN + 20, top + size + 7)
    pdf.multi_cell(CONTENT_W - 40, 4, verify_url, align="C", wrapmode=WrapMode.CHAR)
    pdf.set_text_color(*INK)


def _footer(pdf: FPDF) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, 276, MARGIN + CONTENT_W, 276)
    pdf.set_text_color(*MUTED)
    arabic(pdf, "", 7.5)
    pdf.set_xy(MARGIN, 278)
    pdf.cell(
        CONTENT_W,
        4.5,
        "هذه الوثيقة صادرة إلكترونيًا ولا تحتاج إلى توقيع أو ختم، ويمكن التحقق منها بمسح الرمز.",
        align="R",
    )
    pdf.set_font(FONT, size=7.5)
    pdf.set_xy(MARGIN, 283.5)
    pdf.cell(
        CONTENT_W,
        4.5,
        "This document was issued electronically and needs no signature or stamp; "
        "scan the code to check it.",
        align="L",
    )
    pdf.set_text_color(*INK)


# --- values ------------------------------------------------------------------------------


def ordered(pair: tuple[str, str], language: str) -> tuple[str, str]:
    """An (Arabic, English) pair as (leading, other) for the document's language."""
    ar, en = pair
    return (ar, en) if language == "ar" else (en, ar)


def _bilingual(entry, language: str) -> tuple[str, str]:
    if entry is None:
        return ("—", "")
    return ordered((entry.name_ar, entry.name_en), language)


def _both(function, *args) -> tuple[str, str]:
    """``function(*args)`` as text, once in Arabic and once in English."""
    texts = []
    for code in ("ar", "en"):
        with translation.override(code):
            texts.append(str(function(*args)))
    return texts[0], texts[1]


def _hijri(value: dt.date | None, language: str) -> tuple[str, str]:
    """Umm al-Qura date, with the Arabic month names on the Arabic line."""
    if value is None:
        return ("—", "")
    try:
        return ordered(_both(format_hijri, value), language)
    except (ValueError, OverflowError):  # outside the Umm al-Qura tables
        return ("—", "")


def _gregorian(value: dt.date | None, language: str) -> tuple[str, str]:
    if value is None:
        return ("—", "")
    return ordered(_both(format_gregorian, value), language)
