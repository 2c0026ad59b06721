"""The recruitment contract as a PDF: A4, Arabic and English, for both parties to keep
(docs/recruitment.md, "The contract's PDF").

What it prints is the contract's **document** as it was made (``Contract.document``,
whose SHA-256 every signature holds), never the rows as they are now: the contract
number, the parties, the worker, the occupation, the visa, the money, the terms' version
with their figures and clauses, then the signatures (who signed for which party, when,
how they were checked, and the fingerprint each signature holds beside the document's
own). The beneficiary's ID number is masked, as on the e-visa.

Labels stand in both languages on each row (English on the left, Arabic on the right);
each value is printed once, in the leading language (``language``), with its
other-language rendering underneath where it has one. The clauses follow one after the
other, each in the leading language first. Arabic is shaped exactly as the e-visa does it
(``musaned/visas/evisa.py``): fpdf2's text shaping through HarfBuzz, which also applies
the bidirectional algorithm, and the Amiri font from the ``fontpkg`` wheel.

Drawing reads the contract and its signatures and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from fpdf import FPDF
from fpdf.enums import WrapMode

from musaned.identity.hijri import format_dual, format_gregorian
from musaned.identity.saudi_id import mask_id
from musaned.offices.ceilings import amount_text
from musaned.recruitment.models import (
    Contract,
    ContractState,
    Language,
    MaritalStatus,
    Religion,
    SignerRole,
)
from musaned.visas.evisa import (
    AR_SCALE,
    FONT,
    GREEN,
    INK,
    MUTED,
    RULE,
    font_paths,
    is_arabic,
    letterhead,
    ordered,
)
from musaned.visas.evisa import (
    arabic as arabic_font,
)
from musaned.visas.models import WorkerGender

Pair = tuple[str, str]  # (Arabic, English)

TITLE_EN = "Standard domestic worker recruitment contract"
TITLE_AR = "العقد الموحد لاستقدام العمالة المنزلية"

PAGE_W = 210
MARGIN = 15
BOTTOM = 20
CONTENT_W = PAGE_W - 2 * MARGIN
LABEL_W = 46
VALUE_W = CONTENT_W - 2 * LABEL_W

METHODS: dict[str, Pair] = {
    "sms_code": (
        "رمز تحقق برسالة نصية إلى جوال المستفيد",
        "An SMS code to the beneficiary's mobile",
    ),
    "office_session": (
        "جلسة مدير المكتب في بوابة المكاتب برمز الدخول",
        "The office manager's portal session, signed in with the SMS code",
    ),
}
ROLES: dict[str, Pair] = {
    SignerRole.BENEFICIARY: ("المستفيد (صاحب العمل)", "The beneficiary (employer)"),
    SignerRole.OFFICE: ("مكتب الاستقدام", "The recruitment office"),
}


# The document's own wording of what it names, in both its languages (as the e-visa keeps
# its states' and genders' names): the PDF reads the same whatever the catalogue holds.
GENDERS: dict[str, Pair] = {"M": ("ذكر", "Male"), "F": ("أنثى", "Female")}
RELIGIONS: dict[str, Pair] = {
    Religion.MUSLIM: ("مسلم", "Muslim"),
    Religion.CHRISTIAN: ("مسيحي", "Christian"),
    Religion.HINDU: ("هندوسي", "Hindu"),
    Religion.BUDDHIST: ("بوذي", "Buddhist"),
    Religion.OTHER: ("أخرى", "Other"),
}
MARITAL: dict[str, Pair] = {
    MaritalStatus.SINGLE: ("أعزب", "Single"),
    MaritalStatus.MARRIED: ("متزوج", "Married"),
    MaritalStatus.DIVORCED: ("مطلق", "Divorced"),
    MaritalStatus.WIDOWED: ("أرمل", "Widowed"),
}
# A woman's, in the feminine (the web pages' ``choice_label`` says the same).
RELIGIONS_OF_A_WOMAN: dict[str, Pair] = {
    Religion.MUSLIM: ("مسلمة", "Muslim"),
    Religion.CHRISTIAN: ("مسيحية", "Christian"),
    Religion.HINDU: ("هندوسية", "Hindu"),
    Religion.BUDDHIST: ("بوذية", "Buddhist"),
    Religion.OTHER: ("أخرى", "Other"),
}
MARITAL_OF_A_WOMAN: dict[str, Pair] = {
    MaritalStatus.SINGLE: ("عزباء", "Single"),
    MaritalStatus.MARRIED: ("متزوجة", "Married"),
    MaritalStatus.DIVORCED: ("مطلقة", "Divorced"),
    MaritalStatus.WIDOWED: ("أرملة", "Widowed"),
}
LANGUAGES: dict[str, Pair] = {
    Language.ARABIC: ("العربية", "Arabic"),
    Language.ENGLISH: ("الإنجليزية", "English"),
    Language.FILIPINO: ("الفلبينية", "Filipino"),
    Language.INDONESIAN: ("الإندونيسية", "Indonesian"),
    Language.BENGALI: ("البنغالية", "Bengali"),
    Language.HINDI: ("الهندية", "Hindi"),
    Language.URDU: ("الأردية", "Urdu"),
    Language.NEPALI: ("النيبالية", "Nepali"),
    Language.SINHALA: ("السنهالية", "Sinhala"),
    Language.AMHARIC: ("الأمهرية", "Amharic"),
    Language.SWAHILI: ("السواحيلية", "Swahili"),
}
S = ContractState
STATES: dict[str, Pair] = {
    S.AWAITING_SIGNATURES: ("بانتظار التوقيعات", "Waiting for signatures"),
    S.SIGNED_BY_BENEFICIARY: ("وقّعه المستفيد؛ بانتظار المكتب", "Signed by the beneficiary"),
    S.SIGNED_BY_OFFICE: ("وقّعه المكتب؛ بانتظار المستفيد", "Signed by the office"),
    S.SIGNED: ("موقّع من الطرفين؛ بانتظار الدفع", "Signed by both; waiting for payment"),
    S.PAID: ("مدفوع؛ المبلغ محفوظ لدى المنصة", "Paid; held by the platform"),
    S.VISA_LINKED: ("رُبطت التأشيرة", "Visa linked"),
    S.TRAVEL_DOCUMENTS_READY: (
        "خُتمت التأشيرة وجهزت وثائق السفر",
        "Visa stamped, travel documents ready",
    ),
    S.MEDICAL_PASSED: ("اجتاز الفحص الطبي", "Medical check passed"),
    S.TICKET_BOOKED: ("حُجزت التذكرة", "Ticket booked"),
    S.ARRIVED: ("وصلت العاملة", "Worker arrived"),
    S.IN_TRIAL: ("فترة التجربة", "Trial period"),
    S.COMPLETED: ("مكتمل", "Completed"),
    S.CANCELLED: ("ملغى", "Cancelled"),
    S.CANCELLED_LATE: ("ملغى لتأخر المكتب مع التعويض", "Cancelled: office late, compensated"),
    S.TRIAL_FAILED: ("لم تنجح التجربة: استُرد المبلغ", "Trial failed: refunded"),
}


def contract_filename(contract: Contract) -> str:
    return f"recruitment-contract-{contract.number}.pdf"


class _Document(FPDF):
    """An A4 page with the contract's number and the page count at its foot."""

    number = ""
    total = 0  # the page count, known on the second drawing

    def footer(self) -> None:
        self.set_y(-14)
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        self.line(MARGIN, self.get_y() - 1, MARGIN + CONTENT_W, self.get_y() - 1)
        self.set_text_color(*MUTED)
        self.set_font(FONT, size=8)
        self.set_x(MARGIN)
        page, total = self.page_no(), self.total or self.page_no()
        self.cell(
            CONTENT_W / 2,
            5,
            f"Musaned · Contract {self.number} · Page {page} of {total}",
            align="L",
        )
        arabic_font(self, "", 8)
        self.cell(
            CONTENT_W / 2, 5, f"مساند · العقد {self.number} · صفحة {page} من {total}", align="R"
        )
        self.set_text_color(*INK)


def render_contract_pdf(contract: Contract, *, language: str = "ar") -> bytes:
    """The contract as PDF bytes, ``language`` ("ar" or "en") leading."""
    if language not in ("ar", "en"):
        raise ValueError(f"language must be 'ar' or 'en', not {language!r}")
    document: dict[str, Any] = contract.document or {}
    if not document:
        raise ValueError("the contract has no document")
    signatures = list(contract.signatures.select_related("signer"))
    # Drawn twice: the first time counts the pages each footer names ("page 2 of 4";
    # fpdf's page-count alias leaves a gap in shaped Arabic).
    pages = _draw(contract, document, signatures, language, total=0).pages_count
    return bytes(_draw(contract, document, signatures, language, total=pages).output())


def _draw(
    contract: Contract,
    document: dict[str, Any],
    signatures: list[Any],
    language: str,
    *,
    total: int,
) -> _Document:
    pdf = _new_document(contract, language)
    pdf.total = total
    pdf.add_page()
    letterhead(pdf, TITLE_EN, TITLE_AR, 13)
    _numbers(pdf, contract, document, language)
    _status(pdf, contract)

    beneficiary = document.get("beneficiary", {})
    office = document.get("office", {})
    _section(pdf, "The parties", "الطرفان")
    _row(
        pdf, "Beneficiary (employer)", "المستفيد (صاحب العمل)", (beneficiary.get("name") or "—", "")
    )
    _row(pdf, "ID number", "رقم الهوية", (mask_id(beneficiary.get("national_id") or ""), ""))
    _row(
        pdf,
        "Recruitment office",
        "مكتب الاستقدام",
        ordered((office.get("name_ar", ""), office.get("name_en", "")), language),
    )
    _row(pdf, "Licence number", "رقم الترخيص", (office.get("licence_number") or "—", ""))
    _row(pdf, "Commercial registration", "السجل التجاري", (office.get("cr_number") or "—", ""))

    worker = document.get("worker", {})
    _section(pdf, "The worker", "العامل")
    _row(pdf, "Full name", "الاسم الكامل", (worker.get("full_name") or "—", ""))
    _row(pdf, "Passport number", "رقم الجواز", (worker.get("passport_number") or "—", ""))
    _row(pdf, "Nationality", "الجنسية", _named(worker.get("nationality"), language))
    _row(pdf, "Occupation", "المهنة", _named(document.get("occupation"), language))
    _row(pdf, "Date of birth", "تاريخ الميلاد", _gregorian(worker.get("date_of_birth"), language))
    _row(pdf, "Gender", "الجنس", _named_choice(GENDERS, worker.get("gender"), language))
    woman = worker.get("gender") == WorkerGender.FEMALE
    religions, marital = (
        (RELIGIONS_OF_A_WOMAN, MARITAL_OF_A_WOMAN) if woman else (RELIGIONS, MARITAL)
    )
    _row(pdf, "Religion", "الديانة", _named_choice(religions, worker.get("religion"), language))
    _row(
        pdf,
        "Marital status",
        "الحالة الاجتماعية",
        _named_choice(marital, worker.get("marital_status"), language),
    )
    _row(pdf, "Languages", "اللغات", _languages(worker.get("languages") or [], language))
    years = worker.get("experience_years")
    _row(
        pdf,
        "Years of experience",
        "سنوات الخبرة",
        ordered((f"{years} سنوات", f"{years} years"), language) if years is not None else ("—", ""),
    )
    visa = document.get("visa", {})
    _row(pdf, "Visa number", "رقم التأشيرة", (visa.get("visa_number") or "—", ""))

    money = document.get("money", {})
    _section(pdf, "The money", "المبالغ")
    _row(pdf, "Monthly salary", "الراتب الشهري", _riyals(money.get("monthly_salary"), language))
    _row(
        pdf,
        "Price before VAT",
        "السعر قبل الضريبة",
        _riyals(money.get("price_before_vat"), language),
    )
    rate = _percent_of_rate(money.get("vat_rate"))
    _row(
        pdf,
        f"VAT ({rate} %)",
        f"ضريبة القيمة المضافة ({rate}٪)",
        _riyals(money.get("vat"), language),
    )
    _row(pdf, "Total paid", "الإجمالي المدفوع", _riyals(money.get("total"), language))
    _note(
        pdf,
        (
            "يُدفع المبلغ على المنصة، وتحتفظ به المنصة وتصرفه كما ينص هذا العقد.",
            "The amount is paid on the platform, which holds it and releases it as this "
            "contract says.",
        ),
        language,
    )

    terms = document.get("terms", {})
    _section(pdf, "The terms", "الشروط")
    _row(
        pdf,
        "Terms",
        "الشروط",
        ordered(
            (terms.get("title", {}).get("ar", ""), terms.get("title", {}).get("en", "")),
            language,
        ),
    )
    _row(
        pdf,
        "Version",
        "الإصدار",
        (
            str(terms.get("version", "—")),
            ordered(
                (
                    f"نافذ من {_dual(terms.get('effective_from'), 'ar')}",
                    f"in force from {_dual(terms.get('effective_from'), 'en')}",
                ),
                language,
            )[0],
        ),
    )
    _figures(pdf, terms, language)
    _clauses(pdf, terms, language)
    _signatures(pdf, contract, signatures, language)
    return pdf


# --- document and blocks ----------------------------------------------------------------


def _new_document(contract: Contract, language: str) -> _Document:
    pdf = _Document(orientation="portrait", unit="mm", format="A4")
    pdf.number = contract.number
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=True, margin=BOTTOM)
    regular, bold = font_paths()
    pdf.add_font(FONT, "", regular)
    pdf.add_font(FONT, "B", bold)
    pdf.set_text_shaping(True)
    pdf.set_lang(language)
    title = f"{TITLE_AR} — {TITLE_EN}" if language == "ar" else f"{TITLE_EN} — {TITLE_AR}"
    pdf.set_title(f"{title} {contract.number}")
    pdf.set_author("Musaned / مساند")
    pdf.set_creator("Musaned")
    pdf.set_text_color(*INK)
    return pdf


def _latin(pdf: FPDF, text: str) -> None:
    """Shape ``text`` as Latin when it has no Arabic letter: HarfBuzz would otherwise guess
    the Arabic script for digits alone and draw Amiri's Arabic decimal separator in a
    version such as 2026.1."""
    if any("\u0600" <= c <= "\u06ff" for c in text):
        pdf.set_text_shaping(True)
    else:
        pdf.set_text_shaping(True, script="latn", language="eng", direction="ltr")


def _room(pdf: FPDF, height: float) -> None:
    """A new page when ``height`` does not fit above the bottom margin."""
    if pdf.get_y() + height > pdf.h - BOTTOM:
        pdf.add_page()


def _numbers(pdf: FPDF, contract: Contract, document: dict[str, Any], language: str) -> None:
    """The contract number, the terms' version and the day it was made, in boxes."""
    made_on = _dual(document.get("made_on"), language)
    boxes = (
        ("Contract number", "رقم العقد", contract.number, 15),
        ("Terms version", "إصدار الشروط", str(document.get("terms", {}).get("version", "—")), 15),
        ("Made on", "تاريخ الإبرام", made_on, 9),
    )
    gap = 5
    width = (CONTENT_W - 2 * gap) / 3
    top = pdf.get_y()
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    for index, (en, ar, value, size) in enumerate(boxes):
        x = MARGIN + index * (width + gap)
        pdf.rect(x, top, width, 25, round_corners=True, corner_radius=2)
        pdf.set_text_color(*MUTED)
        pdf.set_font(FONT, size=8.5)
        pdf.set_xy(x + 3, top + 2.5)
        pdf.cell(width - 6, 5, en, align="L")
        pdf.set_xy(x + 3, top + 2.5)
        arabic_font(pdf, "", 8.5)
        pdf.cell(width - 6, 5, ar, align="R")
        pdf.set_text_color(*INK)
        _fitted(pdf, x, top + 11, width, 10, value, "B", size)
    pdf.set_y(top + 25 + 5)


def _status(pdf: FPDF, contract: Contract) -> None:
    ar, en = STATES.get(contract.state) or _both(lambda: ContractState(contract.state).label)
    top = pdf.get_y()
    pdf.set_fill_color(232, 243, 236)
    pdf.rect(MARGIN, top, CONTENT_W, 11, style="F", round_corners=True, corner_radius=2)
    pdf.set_text_color(*GREEN)
    pdf.set_font(FONT, size=9)
    pdf.set_xy(MARGIN + 4, top)
    pdf.cell(LABEL_W, 11, "Status today", align="L")
    pdf.set_xy(MARGIN + CONTENT_W - LABEL_W - 4, top)
    arabic_font(pdf, "", 9)
    pdf.cell(LABEL_W, 11, "الحالة اليوم", align="R")
    _fitted(pdf, MARGIN + LABEL_W, top + 2.5, VALUE_W, 6, f"{en}  ·  {ar}", "B", 10.5)
    pdf.set_text_color(*INK)
    pdf.set_y(top + 11 + 3)


def _section(pdf: FPDF, en: str, ar: str) -> None:
    _room(pdf, 30)
    top = pdf.get_y() + 3
    pdf.set_text_color(*GREEN)
    pdf.set_font(FONT, "B", 11)
    pdf.set_xy(MARGIN, top)
    pdf.cell(CONTENT_W / 2, 7, en, align="L")
    arabic_font(pdf, "B", 11)
    pdf.cell(CONTENT_W / 2, 7, ar, align="R")
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, top + 7.5, MARGIN + CONTENT_W, top + 7.5)
    pdf.set_text_color(*INK)
    pdf.set_y(top + 8)


def _row(pdf: FPDF, en: str, ar: str, value: Pair) -> None:
    """English label | value (and its other-language line) | Arabic label."""
    height = 12 if value[1] else 8
    _room(pdf, height)
    top = pdf.get_y()
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, size=9)
    pdf.set_xy(MARGIN, top)
    pdf.cell(LABEL_W, height, en, align="L")
    pdf.set_xy(MARGIN + LABEL_W + VALUE_W, top)
    arabic_font(pdf, "", 9)
    pdf.cell(LABEL_W, height, ar, align="R")
    main, other = value
    pdf.set_text_color(*INK)
    _fitted(pdf, MARGIN + LABEL_W, top + (1.5 if other else 1), VALUE_W, 6, main, "B", 10.5)
    if other:
        pdf.set_text_color(*MUTED)
        _fitted(pdf, MARGIN + LABEL_W, top + 6.5, VALUE_W, 4.5, other, "", 8.5)
        pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, top + height, MARGIN + CONTENT_W, top + height)
    pdf.set_y(top + height)


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
    _latin(pdf, text)
    pdf.cell(width, height, text, align="C")
    pdf.set_text_shaping(True)


def _paragraph(pdf: FPDF, text: str, *, arabic: bool, size: float, muted: bool = False) -> None:
    """A paragraph across the page: Arabic set from the right, English from the left."""
    pdf.set_text_color(*(MUTED if muted else INK))
    if arabic:
        arabic_font(pdf, "", size)
    else:
        pdf.set_font(FONT, size=size)
    pdf.set_x(MARGIN)
    pdf.multi_cell(
        CONTENT_W,
        size * 0.5,
        text,
        align="R" if arabic else "L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(*INK)


def _pair(pdf: FPDF, texts: Pair, language: str, *, size: float = 9.5) -> None:
    """A text in both languages, one after the other, the leading language first."""
    ar, en = texts
    first, second = ((ar, True), (en, False)) if language == "ar" else ((en, False), (ar, True))
    _paragraph(pdf, first[0], arabic=first[1], size=size)
    _paragraph(pdf, second[0], arabic=second[1], size=size - 1, muted=True)


def _note(pdf: FPDF, texts: Pair, language: str) -> None:
    pdf.ln(2)
    _pair(pdf, texts, language, size=8.5)


def _figures(pdf: FPDF, terms: dict[str, Any], language: str) -> None:
    """The figures the journey counts with, as the contract's version gives them."""
    delivery, extension = terms.get("delivery_days", 90), terms.get("extension_days", 30)
    during = _percent(terms.get("extension_compensation_percent"))
    after = _percent(terms.get("late_compensation_percent"))
    trial = terms.get("trial_days", 90)
    release = _percent(terms.get("release_on_arrival_percent"))
    rows: list[tuple[str, str, Pair]] = [
        (
            "Delivery",
            "مدة الاستقدام",
            (
                f"{delivery} يومًا من يوم الدفع، ثم مهلة إضافية {extension} يومًا",
                f"{delivery} days from the day of payment, then a {extension}-day extension",
            ),
        ),
        (
            "Office late",
            "تأخر المكتب",
            (
                f"استرداد كامل مع تعويض {during}٪ خلال المهلة و{after}٪ بعدها",
                f"Full refund with {during} % compensation in the extension, {after} % after it",
            ),
        ),
        (
            "Trial period",
            "فترة التجربة",
            (
                f"{trial} يومًا بعد الوصول؛ يُسترد عن الأيام التي لم تُقضَ",
                f"{trial} days after arrival; the days not served are refunded",
            ),
        ),
        (
            "Release to the office",
            "الصرف للمكتب",
            (
                f"يُصرف {release}٪ عند الوصول، والباقي بعد فترة التجربة",
                f"{release} % on arrival, the rest after the trial",
            ),
        ),
    ]
    for en, ar, texts in rows:
        _row(pdf, en, ar, ordered(texts, language))
    schedule: Sequence[dict[str, Any]] = terms.get("cancellation_schedule") or []
    if schedule:
        _subheading(
            pdf, "Cancellation by the beneficiary before arrival", "إلغاء المستفيد قبل الوصول"
        )
        for bracket in schedule:
            low, high = bracket.get("from_day"), bracket.get("to_day")
            kept = _percent(bracket.get("percent"))
            _row(
                pdf,
                f"Days {low}–{high}",
                f"الأيام {low}–{high}",
                ordered(
                    (f"يحتفظ المكتب بـ {kept}٪ من المبلغ المدفوع", f"the office keeps {kept} %"),
                    language,
                ),
            )
        _note(
            pdf,
            (
                "الأيام من يوم الدفع (اليوم صفر)، ما دام المكتب في حدود مدة الاستقدام.",
                "Days since the day of payment (day 0), while the office is within its "
                "delivery days.",
            ),
            language,
        )


def _subheading(pdf: FPDF, en: str, ar: str) -> None:
    _room(pdf, 20)
    top = pdf.get_y() + 2
    pdf.set_text_color(*GREEN)
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_xy(MARGIN, top)
    pdf.cell(CONTENT_W / 2, 6, en, align="L")
    arabic_font(pdf, "B", 9.5)
    pdf.cell(CONTENT_W / 2, 6, ar, align="R")
    pdf.set_text_color(*INK)
    pdf.set_y(top + 6)


def _clauses(pdf: FPDF, terms: dict[str, Any], language: str) -> None:
    clauses = terms.get("clauses", {})
    arabic, english = list(clauses.get("ar", [])), list(clauses.get("en", []))
    if not arabic and not english:
        return
    _section(pdf, "The clauses", "البنود")
    for number in range(max(len(arabic), len(english))):
        ar = arabic[number] if number < len(arabic) else ""
        en = english[number] if number < len(english) else ""
        _room(pdf, 22)
        pdf.ln(1.5)
        _pair(pdf, (f"{number + 1}. {ar}", f"{number + 1}. {en}"), language, size=10)


def _signatures(pdf: FPDF, contract: Contract, signatures: list[Any], language: str) -> None:
    _section(pdf, "The signatures", "التوقيعات")
    by_role = {s.role: s for s in signatures}
    for role in (SignerRole.BENEFICIARY, SignerRole.OFFICE):
        signature = by_role.get(role)
        _room(pdf, 60 if signature is not None else 20)  # a party's signature on one page
        _subheading(pdf, ROLES[role][1], ROLES[role][0])
        if signature is None:
            _row(pdf, "Signature", "التوقيع", ordered(("لم يوقّع بعد", "Not signed yet"), language))
            continue
        signer = signature.signer
        _row(pdf, "Signed by", "الموقّع", (signer.get_full_name() or signer.get_username(), ""))
        _row(pdf, "Signed at", "وقت التوقيع", _moment(signature.signed_at, language))
        _row(
            pdf,
            "Checked by",
            "طريقة التحقق",
            ordered(METHODS.get(signature.method, (signature.method, signature.method)), language),
        )
        same = signature.document_hash == contract.document_hash
        _row(
            pdf,
            "Fingerprint signed",
            "البصمة الموقّعة",
            (
                signature.document_hash,
                ordered(
                    ("مطابقة لبصمة العقد", "the contract's fingerprint")
                    if same
                    else ("لا تطابق بصمة العقد", "not the contract's fingerprint"),
                    language,
                )[0],
            ),
        )
    _subheading(pdf, "The contract's fingerprint (SHA-256)", "بصمة العقد (SHA-256)")
    _room(pdf, 14)
    pdf.set_font(FONT, "B", 10)
    pdf.set_x(MARGIN)
    _latin(pdf, contract.document_hash)
    pdf.multi_cell(
        CONTENT_W, 6, contract.document_hash, align="C", wrapmode=WrapMode.CHAR, new_x="LMARGIN"
    )
    pdf.set_text_shaping(True)
    _note(
        pdf,
        (
            "البصمة هي SHA-256 لوثيقة العقد كما أُبرمت، ويحفظها كل توقيع؛ أي تغيير في الوثيقة "
            "يغيّرها.",
            "The fingerprint is the SHA-256 of the contract's document as it was made; each "
            "signature holds it, and any change to the document changes it.",
        ),
        language,
    )


# --- values ------------------------------------------------------------------------------


def _both(text: Callable[[], Any]) -> Pair:
    """``text()`` read once in Arabic and once in English."""
    found = []
    for code in ("ar", "en"):
        with translation.override(code):
            found.append(str(text()))
    return found[0], found[1]


def _named(entry: Any, language: str) -> Pair:
    if not isinstance(entry, dict):
        return ("—", "")
    return ordered((entry.get("ar", ""), entry.get("en", "")), language)


def _named_choice(names: dict[str, Pair], value: Any, language: str) -> Pair:
    found = names.get(str(value or ""))
    return ordered(found, language) if found else (str(value or "—"), "")


def _languages(codes: list[str], language: str) -> Pair:
    if not codes:
        return ("—", "")
    pairs = [LANGUAGES.get(code, (code, code)) for code in codes]
    return ordered(
        ("، ".join(ar for ar, _en in pairs), ", ".join(en for _ar, en in pairs)), language
    )


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _dual(value: Any, language: str) -> str:
    day = _day(value)
    if day is None:
        return "—"
    with translation.override(language):
        return format_dual(day)


def _gregorian(value: Any, language: str) -> Pair:
    day = _day(value)
    if day is None:
        return ("—", "")
    return ordered(_both(lambda: format_gregorian(day)), language)


def _moment(value: dt.datetime, language: str) -> Pair:
    """A time, in Riyadh, with its day in both calendars."""
    local = timezone.localtime(value)
    return ordered(_both(lambda: format_dual(local)), language)


def _riyals(value: Any, language: str) -> Pair:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return ("—", "")
    text = amount_text(amount)
    return ordered((f"{text} ريال", f"SAR {text}"), language)


def _percent(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    return f"{amount.normalize():f}"


def _percent_of_rate(value: Any) -> str:
    """A rate (``0.1500``) as a percentage (``15``)."""
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return "—"
    return _percent(rate * 100)
