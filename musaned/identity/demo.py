"""The demo registry: people anyone can register as on a demo or test instance.

Used by ``manage.py seed_demo`` and by the tests. Every ID passes the Luhn
check; citizens carry Hijri birth dates, residents Gregorian ones.
"""

import datetime as dt
from typing import Any

from musaned.identity.hijri import hijri_to_gregorian

# national_id, first/family (ar), first/family (en), birth, nationality, gender, mobile, flags
DEMO_PEOPLE: list[dict[str, Any]] = [
    {
        "national_id": "1000000008",
        "first_name_ar": "محمد",
        "family_name_ar": "العتيبي",
        "first_name_en": "Mohammed",
        "family_name_en": "Alotaibi",
        "birth_hijri": (1405, 7, 15),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000001",
    },
    {
        "national_id": "1000000016",
        "first_name_ar": "نورة",
        "family_name_ar": "الشهري",
        "first_name_en": "Noura",
        "family_name_en": "Alshehri",
        "birth_hijri": (1400, 9, 1),
        "nationality": "SAU",
        "gender": "F",
        "mobile": "+966500000002",
        "disability_exemption": True,
    },
    {
        "national_id": "1000000024",
        "first_name_ar": "فهد",
        "family_name_ar": "القحطاني",
        "first_name_en": "Fahad",
        "family_name_en": "Alqahtani",
        "birth_hijri": (1410, 3, 20),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000003",
        "unpaid_traffic_violations": True,
    },
    {
        "national_id": "1000000032",
        "first_name_ar": "سارة",
        "family_name_ar": "الدوسري",
        "first_name_en": "Sarah",
        "family_name_en": "Aldosari",
        "birth_hijri": (1415, 12, 10),
        "nationality": "SAU",
        "gender": "F",
        "mobile": "",
    },
    {
        "national_id": "1000000040",
        "first_name_ar": "عبدالله",
        "family_name_ar": "الحربي",
        "first_name_en": "Abdullah",
        "family_name_en": "Alharbi",
        "birth_hijri": (1398, 1, 5),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000005",
    },
    {
        "national_id": "2000000006",
        "first_name_ar": "أحمد",
        "family_name_ar": "حسن",
        "first_name_en": "Ahmed",
        "family_name_en": "Hassan",
        "birth_gregorian": dt.date(1988, 3, 14),
        "nationality": "EGY",
        "gender": "M",
        "mobile": "+966500000006",
    },
    {
        "national_id": "2000000014",
        "first_name_ar": "بريا",
        "family_name_ar": "ناير",
        "first_name_en": "Priya",
        "family_name_en": "Nair",
        "birth_gregorian": dt.date(1990, 11, 2),
        "nationality": "IND",
        "gender": "F",
        "mobile": "+966500000007",
    },
    {
        "national_id": "2000000022",
        "first_name_ar": "جون",
        "family_name_ar": "سميث",
        "first_name_en": "John",
        "family_name_en": "Smith",
        "birth_gregorian": dt.date(1979, 6, 30),
        "nationality": "GBR",
        "gender": "M",
        "mobile": "+966500000008",
    },
]

# A beneficiary whose account is already open and active (to try the login).
DEMO_ACCOUNT: dict[str, str] = {
    "national_id": "1000000040",
    "username": "abdullah",
    "password": "Musaned-demo-2026",
}
DEMO_STAFF: dict[str, str] = {"username": "staff", "password": "Musaned-staff-2026"}
# One staff account per role (groups from musaned/complaints/migrations/0003_staff_roles.py).
DEMO_ROLES: list[dict[str, str]] = [
    {"username": "officer", "password": "Musaned-officer-2026", "role": "complaints officer"},
    {"username": "supervisor", "password": "Musaned-supervisor-2026", "role": "supervisor"},
    {"username": "reviewer", "password": "Musaned-reviewer-2026", "role": "reviewer"},
]


def registry_rows() -> list[dict[str, Any]]:
    rows = []
    for person in DEMO_PEOPLE:
        row = {k: v for k, v in person.items() if not k.startswith("birth_")}
        if "birth_hijri" in person:
            row["birth_date"] = hijri_to_gregorian(*person["birth_hijri"])
        else:
            row["birth_date"] = person["birth_gregorian"]
        row["id_type"] = "citizen" if person["national_id"].startswith("1") else "resident"
        rows.append(row)
    return rows
