"""The demo's recruitment journeys (data only; the writes are ``musaned/demo/services.py``'s
``demo_recruitment``, through the visas', recruitment's and payments' services).

All four are with the demo office (Al Nukhba Recruitment, Riyadh: the ``manager`` and
``employee`` accounts). The recruitment account ``latifa`` (Latifa Alsubaie,
``1000000123``: ``musaned/identity/demo.py``, ``DEMO_RECRUITMENT_ACCOUNT``) has three,
one visa each (a citizen holds at most three visas or applications: the capacity tiers
of the visa rules, so her bank balance is declared high enough for a third; which is why
the fourth is someone else's, and why ``abdullah``, whose walk-through issues a visa,
has none):

- ``offers``: a request for a Filipino housemaid sent to the demo office and to Taibah
  Recruitment (Madinah), with three offers waiting for her to compare (two from the demo
  office, one from Taibah);
- ``in_progress``: a Kenyan housemaid's contract, signed by both, paid 25 days ago, its
  visa linked and the travel documents ready (the medical check is next);
- ``late``: a Ugandan housemaid's contract paid 100 days ago: the 90 days passed without
  the worker and the 30-day extension runs (she may cancel and get the total back with
  15 % compensation).

The fourth is Turki's (``1000000131``, one of the demo's complainants, who cannot sign
in): ``completed``, paid 170 days ago, the worker arrived 100 days ago (on day 70, on
time), the trial over, the rest released to the office and the office rated.

Dates in the past are passed through the services: the payment's time is the provider's
callback's (``paid_days_ago``), the arrival date is the arrival stage's evidence
(``arrived_days_ago``). Everything else happens at the time the seed runs (see
docs/recruitment.md, "Demo data").
"""

from typing import Any

# The visa each journey uses: issued before the request, the fee paid.
BANK_BALANCE = "250000"  # enough for a citizen's third visa (the capacity tiers)

# (full name, passport number, date of birth, religion, marital status, languages, years,
# kind of experience, skills, monthly salary, price before VAT, days to arrival)
CVS: dict[str, dict[str, Any]] = {
    "maria": {
        "full_name": "Maria Clara Santos",
        "passport_number": "P7731205A",
        "date_of_birth": (1993, 4, 11),
        "religion": "christian",
        "marital_status": "single",
        "languages": ["fil", "en"],
        "experience_years": 5,
        "experience_kind": "Housemaid for a family of five in Dammam, 2019–2024",
        "skills": "Cooking, cleaning, caring for children",
        "monthly_salary": "1500",
        "price": "13900",
        "days_to_arrival": 60,
    },
    "rosalie": {
        "full_name": "Rosalie Dizon Bautista",
        "passport_number": "P8842931B",
        "date_of_birth": (1988, 9, 2),
        "religion": "christian",
        "marital_status": "married",
        "languages": ["fil", "en", "ar"],
        "experience_years": 9,
        "experience_kind": "Housemaid in Riyadh and Kuwait, 2014–2023",
        "skills": "Arabic cooking, ironing, elderly care",
        "monthly_salary": "1700",
        "price": "13500",
        "days_to_arrival": 45,
    },
    "joy": {
        "full_name": "Joy Mendoza Villanueva",
        "passport_number": "P6620418C",
        "date_of_birth": (1997, 1, 23),
        "religion": "christian",
        "marital_status": "single",
        "languages": ["fil", "en"],
        "experience_years": 2,
        "experience_kind": "Housekeeping in a hotel in Manila, 2022–2024",
        "skills": "Cleaning, laundry",
        "monthly_salary": "1500",
        "price": "14200",
        "days_to_arrival": 65,
    },
    "grace": {
        "full_name": "Grace Wanjiru Kamau",
        "passport_number": "AK4419027",
        "date_of_birth": (1991, 6, 14),
        "religion": "christian",
        "marital_status": "single",
        "languages": ["sw", "en"],
        "experience_years": 4,
        "experience_kind": "Housemaid in Jeddah, 2020–2024",
        "skills": "Cleaning, cooking, childcare",
        "monthly_salary": "1200",
        "price": "8600",
        "days_to_arrival": 45,
    },
    "sarah": {
        "full_name": "Sarah Nakato Namubiru",
        "passport_number": "B0915536",
        "date_of_birth": (1995, 11, 30),
        "religion": "muslim",
        "marital_status": "single",
        "languages": ["en", "ar"],
        "experience_years": 3,
        "experience_kind": "Housemaid in Riyadh, 2021–2024",
        "skills": "Cleaning, ironing",
        "monthly_salary": "1100",
        "price": "7900",
        "days_to_arrival": 50,
    },
    "lorna": {
        "full_name": "Lorna Reyes Garcia",
        "passport_number": "P5507764D",
        "date_of_birth": (1990, 3, 8),
        "religion": "christian",
        "marital_status": "widowed",
        "languages": ["fil", "en"],
        "experience_years": 7,
        "experience_kind": "Housemaid in Khobar, 2016–2023",
        "skills": "Cooking, caring for children",
        "monthly_salary": "1500",
        "price": "13900",
        "days_to_arrival": 60,
    },
}

# Each journey: who ("ready": the recruitment account; else an ID number), what visa,
# which offices, the offers (office key, CV key), the one accepted, and how far it went.
JOURNEYS: list[dict[str, Any]] = [
    {
        "key": "offers",
        "owner": "ready",
        "nationality": "PHL",
        "occupation": "housemaid",
        "offices": ["riyadh", "madinah"],
        "offers": [("riyadh", "maria"), ("riyadh", "rosalie"), ("madinah", "joy")],
    },
    {
        "key": "in_progress",
        "owner": "ready",
        "nationality": "KEN",
        "occupation": "housemaid",
        "offices": ["riyadh"],
        "offers": [("riyadh", "grace")],
        "accept": "grace",
        "paid_days_ago": 25,
        "stages": ["link_visa", "travel_documents"],
    },
    {
        "key": "late",
        "owner": "ready",
        "nationality": "UGA",
        "occupation": "housemaid",
        "offices": ["riyadh"],
        "offers": [("riyadh", "sarah")],
        "accept": "sarah",
        "paid_days_ago": 100,
        "stages": ["link_visa", "travel_documents", "medical"],
    },
    {
        "key": "completed",
        "owner": "1000000131",
        "nationality": "PHL",
        "occupation": "housemaid",
        "offices": ["riyadh"],
        "offers": [("riyadh", "lorna")],
        "accept": "lorna",
        "paid_days_ago": 170,
        "stages": ["link_visa", "travel_documents", "medical", "book_ticket", "arrive"],
        "arrived_days_ago": 100,
        "rating": 5,
    },
]

# What the office shows for each stage (a number for each document: no file).
EVIDENCE: dict[str, dict[str, str]] = {
    "travel_documents": {"number": "TD-2026-48213"},
    "medical": {"number": "WAFID-2026-775104"},
    "book_ticket": {"flight_number": "SV 871"},
}
ARRIVAL_POINT = "RUH"
