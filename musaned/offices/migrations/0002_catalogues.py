"""The cities offices are in, the ministry's published price ceilings and the VAT rate.

Each ceiling and rate says where it came from (``source``, ``source_url``). The ceilings
are the figures the ministry announced, each dated by the report that published it (the
announcements did not all give their own effective date); the later reductions are here
too, so the ceiling in force is the latest published one. Staff add new ones in the
licensing pages; these are never edited (docs/offices.md)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

CITIES = [
    ("riyadh", "الرياض", "Riyadh"),
    ("jeddah", "جدة", "Jeddah"),
    ("makkah", "مكة المكرمة", "Makkah"),
    ("madinah", "المدينة المنورة", "Madinah"),
    ("dammam", "الدمام", "Dammam"),
    ("khobar", "الخبر", "Al Khobar"),
    ("ahsa", "الأحساء", "Al-Ahsa"),
    ("qatif", "القطيف", "Qatif"),
    ("jubail", "الجبيل", "Jubail"),
    ("hafar-al-batin", "حفر الباطن", "Hafar Al-Batin"),
    ("taif", "الطائف", "Taif"),
    ("buraidah", "بريدة", "Buraidah"),
    ("unaizah", "عنيزة", "Unaizah"),
    ("hail", "حائل", "Hail"),
    ("tabuk", "تبوك", "Tabuk"),
    ("abha", "أبها", "Abha"),
    ("khamis-mushait", "خميس مشيط", "Khamis Mushait"),
    ("jazan", "جازان", "Jazan"),
    ("najran", "نجران", "Najran"),
    ("al-baha", "الباحة", "Al Baha"),
    ("arar", "عرعر", "Arar"),
    ("sakaka", "سكاكا", "Sakaka"),
    ("yanbu", "ينبع", "Yanbu"),
]

SEPTEMBER_2022 = (
    "Ministry of Human Resources and Social Development: maximum recruitment costs, before "
    "VAT, announced in September 2022 (dated by the report, Migrant-Rights.org, 2 February "
    "2023)"
)
SRI_LANKA_2023 = (
    "Ministry of Human Resources and Social Development: maximum recruitment cost for Sri "
    "Lankan domestic workers, before VAT (reported by Migrant-Rights.org, 2 February 2023)"
)
MAY_2023 = (
    "Ministry of Human Resources and Social Development: new upper limits of recruitment "
    "costs, before VAT (reported 30 May 2023)"
)
JANUARY_2024 = (
    "Ministry of Human Resources and Social Development: reduced upper ceilings of "
    "recruitment costs, before VAT (announced 15 January 2024, reported by Zawya)"
)
MIGRANT_RIGHTS = (
    "https://www.migrant-rights.org/2023/02/"
    "saudi-arabia-caps-the-cost-of-recruiting-domestic-workers-of-certain-nationalities/"
)
EAST_COAST = (
    "https://www.eastcoastdaily.in/2023/05/30/"
    "gulf-country-reduces-upper-limit-of-recruitment-costs-of-expats.html"
)
ZAWYA = (
    "https://www.zawya.com/en/legal/regulations/"
    "saudi-mhrsd-cuts-upper-ceiling-of-fee-for-hiring-house-workers-sl60qrpn"
)

# nationality, ceiling before VAT (SAR), takes effect on, source, source address
CEILINGS = [
    ("UGA", "9500", dt.date(2022, 9, 15), SEPTEMBER_2022, MIGRANT_RIGHTS),
    ("THA", "10000", dt.date(2022, 9, 15), SEPTEMBER_2022, MIGRANT_RIGHTS),
    ("KEN", "10870", dt.date(2022, 9, 15), SEPTEMBER_2022, MIGRANT_RIGHTS),
    ("BGD", "13000", dt.date(2022, 9, 15), SEPTEMBER_2022, MIGRANT_RIGHTS),
    ("PHL", "17288", dt.date(2022, 9, 15), SEPTEMBER_2022, MIGRANT_RIGHTS),
    ("LKA", "15000", dt.date(2023, 2, 2), SRI_LANKA_2023, MIGRANT_RIGHTS),
    ("PHL", "15900", dt.date(2023, 5, 30), MAY_2023, EAST_COAST),
    ("ETH", "6900", dt.date(2023, 5, 30), MAY_2023, EAST_COAST),
    ("SLE", "7500", dt.date(2023, 5, 30), MAY_2023, EAST_COAST),
    ("BDI", "7500", dt.date(2023, 5, 30), MAY_2023, EAST_COAST),
    ("PHL", "14700", dt.date(2024, 1, 15), JANUARY_2024, ZAWYA),
    ("LKA", "13800", dt.date(2024, 1, 15), JANUARY_2024, ZAWYA),
    ("BGD", "11750", dt.date(2024, 1, 15), JANUARY_2024, ZAWYA),
    ("KEN", "9000", dt.date(2024, 1, 15), JANUARY_2024, ZAWYA),
    ("UGA", "8300", dt.date(2024, 1, 15), JANUARY_2024, ZAWYA),
    ("ETH", "5900", dt.date(2024, 1, 15), JANUARY_2024, ZAWYA),
]

# rate, takes effect on, source
VAT_RATES = [
    (
        "0.05",
        dt.date(2018, 1, 1),
        "Value Added Tax Law (Royal Decree M/113, 1438 AH): VAT introduced at 5 % on 1 "
        "January 2018 (Zakat, Tax and Customs Authority)",
    ),
    (
        "0.15",
        dt.date(2020, 7, 1),
        "Royal Order of May 2020 raising VAT from 5 % to 15 % from 1 July 2020 (Zakat, Tax "
        "and Customs Authority)",
    ),
]


def load(apps, schema_editor):
    City = apps.get_model("offices", "City")
    Nationality = apps.get_model("visas", "Nationality")
    PriceCeiling = apps.get_model("offices", "PriceCeiling")
    VatRate = apps.get_model("offices", "VatRate")
    for order, (code, ar, en) in enumerate(CITIES):
        City.objects.update_or_create(
            code=code, defaults={"name_ar": ar, "name_en": en, "sort_order": order}
        )
    for code, amount, effective_from, source, url in CEILINGS:
        nationality = Nationality.objects.get(code=code)
        PriceCeiling.objects.update_or_create(
            nationality=nationality,
            occupation=None,
            effective_from=effective_from,
            defaults={
                "amount": Decimal(amount),
                "source": source,
                "source_url": url,
                # Published before any office priced on the platform: nothing to suspend.
                "applied_at": dt.datetime.combine(effective_from, dt.time(), tzinfo=dt.UTC),
            },
        )
    for rate, effective_from, source in VAT_RATES:
        VatRate.objects.update_or_create(
            effective_from=effective_from, defaults={"rate": Decimal(rate), "source": source}
        )


def unload(apps, schema_editor):
    apps.get_model("offices", "PriceCeiling").objects.filter(added_by__isnull=True).delete()
    apps.get_model("offices", "VatRate").objects.filter(added_by__isnull=True).delete()
    apps.get_model("offices", "City").objects.filter(code__in=[c for c, _a, _e in CITIES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("offices", "0001_initial"),
        ("visas", "0002_catalogues"),
    ]

    operations = [migrations.RunPython(load, unload)]
