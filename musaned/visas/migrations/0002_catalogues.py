"""The catalogues and rule sets the platform starts with (PRODUCT.md); staff edit them in the admin."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

OCCUPATIONS = [
    # code, Arabic, English, male, female, document (ar, en), special needs
    ("housekeeper", "مدبرة منزل", "Housekeeper", False, True, None, False),
    ("housemaid", "عاملة منزلية", "Housemaid", False, True, None, False),
    ("private-driver", "سائق خاص", "Private driver", True, False, None, False),
    ("cleaner", "عامل نظافة", "Cleaner", True, True, None, False),
    ("cook", "طباخ", "Cook", True, True, None, False),
    ("guard", "حارس", "Guard", True, False, None, False),
    ("farmer", "مزارع", "Farmer", True, False, None, False),
    ("tailor", "خياط", "Tailor", True, True, None, False),
    ("home-nurse", "ممرض منزلي", "Home nurse", True, True, ("تقرير طبي", "Medical report"), False),
    ("private-tutor", "معلم خاص", "Private tutor", True, True, None, False),
    ("nanny", "مربية أطفال", "Nanny", False, True, None, False),
    ("physiotherapist", "أخصائي علاج طبيعي", "Physiotherapist", True, True, ("تقرير طبي", "Medical report"), True),
    ("reader", "قارئ", "Reader", True, True, ("تقرير طبي", "Medical report"), True),
    ("speech-specialist", "أخصائي نطق وتخاطب", "Speech specialist", True, True, ("تقرير طبي", "Medical report"), True),
]

NATIONALITIES = [
    ("PHL", "الفلبين", "Philippines"), ("IDN", "إندونيسيا", "Indonesia"), ("IND", "الهند", "India"),
    ("BGD", "بنغلاديش", "Bangladesh"), ("LKA", "سريلانكا", "Sri Lanka"), ("PAK", "باكستان", "Pakistan"),
    ("NPL", "نيبال", "Nepal"), ("KEN", "كينيا", "Kenya"), ("UGA", "أوغندا", "Uganda"),
    ("ETH", "إثيوبيا", "Ethiopia"), ("EGY", "مصر", "Egypt"), ("SDN", "السودان", "Sudan"),
    ("MAR", "المغرب", "Morocco"), ("TUN", "تونس", "Tunisia"), ("VNM", "فيتنام", "Vietnam"),
    ("THA", "تايلاند", "Thailand"), ("MMR", "ميانمار", "Myanmar"), ("BDI", "بوروندي", "Burundi"),
    ("TZA", "تنزانيا", "Tanzania"), ("GHA", "غانا", "Ghana"), ("NGA", "نيجيريا", "Nigeria"),
    ("SEN", "السنغال", "Senegal"), ("MLI", "مالي", "Mali"), ("NER", "النيجر", "Niger"),
    ("SLE", "سيراليون", "Sierra Leone"), ("RWA", "رواندا", "Rwanda"), ("DJI", "جيبوتي", "Djibouti"),
    ("MDG", "مدغشقر", "Madagascar"), ("UZB", "أوزبكستان", "Uzbekistan"), ("KHM", "كمبوديا", "Cambodia"),
]

ARRIVAL_POINTS = [
    ("RUH", "مطار الملك خالد الدولي - الرياض", "King Khalid International Airport, Riyadh"),
    ("JED", "مطار الملك عبدالعزيز الدولي - جدة", "King Abdulaziz International Airport, Jeddah"),
    ("DMM", "مطار الملك فهد الدولي - الدمام", "King Fahd International Airport, Dammam"),
    ("MED", "مطار الأمير محمد بن عبدالعزيز الدولي - المدينة المنورة", "Prince Mohammad bin Abdulaziz International Airport, Madinah"),
    ("AHB", "مطار أبها الدولي", "Abha International Airport"),
    ("TIF", "مطار الطائف الدولي", "Taif International Airport"),
    ("TUU", "مطار تبوك الإقليمي", "Tabuk Regional Airport"),
    ("GIZ", "مطار الملك عبدالله بن عبدالعزيز - جازان", "King Abdullah bin Abdulaziz Airport, Jazan"),
    ("ELQ", "مطار الأمير نايف بن عبدالعزيز الدولي - القصيم", "Prince Naif bin Abdulaziz International Airport, Qassim"),
    ("HAS", "مطار حائل الدولي", "Hail International Airport"),
]

# effective date, minimum age, note
RULE_SETS = [
    (dt.date(2023, 11, 1), 24, "Reported November 2023 (minimum age 24)."),
    (dt.date(2025, 12, 1), 21, "Reported December 2025 (minimum age 21)."),
]
# category, visa number, minimum salary, minimum balance, both needed
TIERS = [
    ("citizen", 1, None, Decimal("40000"), False),
    ("citizen", 2, Decimal("7000"), Decimal("60000"), False),
    ("citizen", 3, Decimal("25000"), Decimal("200000"), False),
    ("resident", 1, Decimal("10000"), Decimal("100000"), True),
]


def load(apps, schema_editor):
    Occupation = apps.get_model("visas", "Occupation")
    Nationality = apps.get_model("visas", "Nationality")
    ArrivalPoint = apps.get_model("visas", "ArrivalPoint")
    RuleSet = apps.get_model("visas", "RuleSet")
    CapacityTier = apps.get_model("visas", "CapacityTier")
    for order, (code, ar, en, male, female, document, special) in enumerate(OCCUPATIONS):
        Occupation.objects.update_or_create(
            code=code,
            defaults={
                "name_ar": ar,
                "name_en": en,
                "allows_male": male,
                "allows_female": female,
                "document_name_ar": document[0] if document else "",
                "document_name_en": document[1] if document else "",
                "special_needs": special,
                "sort_order": order,
            },
        )
    for code, ar, en in NATIONALITIES:
        Nationality.objects.update_or_create(code=code, defaults={"name_ar": ar, "name_en": en})
    for code, ar, en in ARRIVAL_POINTS:
        ArrivalPoint.objects.update_or_create(code=code, defaults={"name_ar": ar, "name_en": en})
    for effective_from, min_age, note in RULE_SETS:
        rule_set, _ = RuleSet.objects.update_or_create(
            effective_from=effective_from,
            defaults={
                "fee": Decimal("2000"),
                "min_age": min_age,
                "validity_months": 24,
                "fix_window_days": 4,
                "payment_days": 3,
                "note": note,
            },
        )
        for category, number, salary, balance, both in TIERS:
            CapacityTier.objects.update_or_create(
                rule_set=rule_set,
                category=category,
                visa_number=number,
                defaults={"min_salary": salary, "min_balance": balance, "needs_both": both},
            )


def unload(apps, schema_editor):
    for model in ("CapacityTier", "RuleSet", "ArrivalPoint", "Nationality", "Occupation"):
        apps.get_model("visas", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("visas", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
