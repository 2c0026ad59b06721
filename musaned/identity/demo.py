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
    # The people who work for the demo's recruitment offices, and beneficiaries whose
    # complaints about them make the offices' history. Each has an account from the start
    # (``DEMO_OFFICE_USERS``, ``DEMO_OFFICE_MANAGERS``, ``DEMO_COMPLAINANTS``).
    {
        "national_id": "1000000065",
        "first_name_ar": "فيصل",
        "family_name_ar": "المطيري",
        "first_name_en": "Faisal",
        "family_name_en": "Almutairi",
        "birth_hijri": (1402, 4, 12),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000011",
    },
    {
        "national_id": "2000000030",
        "first_name_ar": "ماريا",
        "family_name_ar": "سانتوس",
        "first_name_en": "Maria",
        "family_name_en": "Santos",
        "birth_gregorian": dt.date(1986, 8, 21),
        "nationality": "PHL",
        "gender": "F",
        "mobile": "+966500000012",
    },
    {
        "national_id": "1000000073",
        "first_name_ar": "ريم",
        "family_name_ar": "الزهراني",
        "first_name_en": "Reem",
        "family_name_en": "Alzahrani",
        "birth_hijri": (1404, 2, 3),
        "nationality": "SAU",
        "gender": "F",
        "mobile": "+966500000013",
    },
    {
        "national_id": "1000000081",
        "first_name_ar": "سلطان",
        "family_name_ar": "الشمري",
        "first_name_en": "Sultan",
        "family_name_en": "Alshammari",
        "birth_hijri": (1399, 10, 22),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000014",
    },
    {
        "national_id": "1000000099",
        "first_name_ar": "هند",
        "family_name_ar": "الغامدي",
        "first_name_en": "Hind",
        "family_name_en": "Alghamdi",
        "birth_hijri": (1407, 6, 9),
        "nationality": "SAU",
        "gender": "F",
        "mobile": "+966500000015",
    },
    {
        "national_id": "1000000107",
        "first_name_ar": "ماجد",
        "family_name_ar": "العسيري",
        "first_name_en": "Majed",
        "family_name_en": "Alasiri",
        "birth_hijri": (1401, 11, 17),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000016",
    },
    {
        "national_id": "1000000115",
        "first_name_ar": "عبدالرحمن",
        "family_name_ar": "الحربي",
        "first_name_en": "Abdulrahman",
        "family_name_en": "Alharbi",
        "birth_hijri": (1403, 8, 28),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000017",
    },
    {
        "national_id": "1000000123",
        "first_name_ar": "لطيفة",
        "family_name_ar": "السبيعي",
        "first_name_en": "Latifa",
        "family_name_en": "Alsubaie",
        "birth_hijri": (1408, 1, 14),
        "nationality": "SAU",
        "gender": "F",
        "mobile": "+966500000018",
    },
    {
        "national_id": "1000000131",
        "first_name_ar": "تركي",
        "family_name_ar": "البقمي",
        "first_name_en": "Turki",
        "family_name_en": "Albaqami",
        "birth_hijri": (1396, 5, 2),
        "nationality": "SAU",
        "gender": "M",
        "mobile": "+966500000019",
    },
    {
        "national_id": "2000000048",
        "first_name_ar": "عمر",
        "family_name_ar": "خان",
        "first_name_en": "Omar",
        "family_name_en": "Khan",
        "birth_gregorian": dt.date(1983, 1, 9),
        "nationality": "PAK",
        "gender": "M",
        "mobile": "+966500000021",
    },
]

# A beneficiary whose account is already open and active (to try the login).
DEMO_ACCOUNT: dict[str, str] = {
    "national_id": "1000000040",
    "username": "abdullah",
    "password": "Musaned-demo-2026",
}
# A beneficiary in the middle of the recruitment journey (musaned/demo/recruitment.py):
# offers to compare, a contract in progress, a late one in its extension. Abdullah's
# account stays free of it, so that his visa and complaint walk-throughs keep working
# (a citizen holds at most three visas).
DEMO_RECRUITMENT_ACCOUNT: dict[str, str] = {
    "national_id": "1000000123",
    "username": "latifa",
    "password": "Musaned-latifa-2026",
}
DEMO_STAFF: dict[str, str] = {"username": "staff", "password": "Musaned-staff-2026"}
# One staff account per role (groups from musaned/complaints/migrations/0003_staff_roles.py
# and musaned/offices/migrations/0003_staff_roles.py), with where it works.
DEMO_ROLES: list[dict[str, str]] = [
    {
        "username": "officer",
        "password": "Musaned-officer-2026",
        "role": "complaints officer",
        "at": "/backoffice/",
    },
    {
        "username": "supervisor",
        "password": "Musaned-supervisor-2026",
        "role": "supervisor",
        "at": "/backoffice/",
    },
    {
        "username": "reviewer",
        "password": "Musaned-reviewer-2026",
        "role": "reviewer",
        "at": "/backoffice/",
    },
    {
        "username": "licensing",
        "password": "Musaned-licensing-2026",
        "role": "licensing officer",
        "at": "/licensing/",
    },
]
# The demo office's manager and employee (office portal at /office/): registry people
# with open accounts; the licensing officer names the manager, the manager invites the
# employee, each accepts (musaned/demo/services.py).
DEMO_OFFICE_USERS: list[dict[str, str]] = [
    {
        "national_id": "1000000065",
        "username": "manager",
        "password": "Musaned-manager-2026",
        "role": "manager",
    },
    {
        "national_id": "2000000030",
        "username": "employee",
        "password": "Musaned-employee-2026",
        "role": "employee",
    },
]
# The other demo offices' managers, and the beneficiaries whose complaints about the
# offices make their history: accounts without a password (they carry the demo's
# records; nobody signs in as them).
DEMO_OFFICE_MANAGERS: list[str] = [
    "1000000073",
    "1000000081",
    "1000000099",
    "1000000107",
    "1000000115",
]
# (Latifa, 1000000123, files complaints too, with her own ready account above.)
DEMO_COMPLAINANTS: list[str] = ["1000000131", "2000000048"]


def account_holders() -> set[str]:
    """The ID numbers seed_demo opens an account for (nobody registers as them)."""
    return {
        DEMO_ACCOUNT["national_id"],
        DEMO_RECRUITMENT_ACCOUNT["national_id"],
        *(user["national_id"] for user in DEMO_OFFICE_USERS),
        *DEMO_OFFICE_MANAGERS,
        *DEMO_COMPLAINANTS,
    }


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
