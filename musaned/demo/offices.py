"""The demo's recruitment offices and the complaints about them (data only; the writes are
``musaned/demo/services.py``, through the offices' and complaints' services).

Six offices in six cities. Each office's manager is a demo person (``musaned/identity/
demo.py``); the first office's manager and employee are the demo's office accounts.
Prices are before VAT and under the ministry's ceilings in force (the latest of
``musaned/offices/migrations/0002_catalogues.py``: Philippines 14,700, Sri Lanka 13,800,
Bangladesh 11,750, Kenya 9,000, Uganda 8,300, Ethiopia 5,900; India, Indonesia,
Pakistan and Nepal have no published ceiling). One office has penalty points and a
warning, one is suspended.
"""

from typing import Any

# (nationality, occupation, amount before VAT, expected days to arrival)
Prices = list[tuple[str, str, str, int]]

DEMO_OFFICES: list[dict[str, Any]] = [
    {
        "key": "riyadh",
        "name_ar": "مكتب النخبة للاستقدام",
        "name_en": "Al Nukhba Recruitment",
        "licence_number": "DEMO-RYD-0001",
        "cr_number": "1010456781",
        "city": "riyadh",
        "address": "طريق الملك فهد، حي العليا، الرياض / King Fahd Road, Al Olaya, Riyadh",
        "phone": "+966112345601",
        "email": "nukhba@example.com",
        "licence_days": 420,
        "bank_guarantee": "500000",
        "nationalities": ["PHL", "KEN", "UGA", "LKA", "IND"],
        "occupations": ["housemaid", "private-driver", "cook", "nanny"],
        "manager": "1000000065",
        "prices": [
            ("PHL", "housemaid", "13900", 60),
            ("PHL", "nanny", "14500", 75),
            ("KEN", "housemaid", "8600", 45),
            ("UGA", "housemaid", "7900", 50),
            ("LKA", "cook", "12900", 70),
            ("IND", "private-driver", "16000", 55),
        ],
    },
    {
        "key": "jeddah",
        "name_ar": "مكتب البحر الأحمر للاستقدام",
        "name_en": "Red Sea Recruitment",
        "licence_number": "DEMO-JED-0002",
        "cr_number": "4030456782",
        "city": "jeddah",
        "address": "شارع التحلية، حي الروضة، جدة / Tahlia Street, Al Rawdah, Jeddah",
        "phone": "+966122345602",
        "email": "redsea@example.com",
        "licence_days": 300,
        "bank_guarantee": "300000",
        "nationalities": ["KEN", "UGA", "ETH", "BGD"],
        "occupations": ["housemaid", "private-driver", "cleaner"],
        "manager": "1000000073",
        "prices": [
            ("KEN", "housemaid", "8200", 55),
            ("UGA", "housemaid", "7500", 60),
            ("ETH", "housemaid", "5500", 65),
            ("BGD", "private-driver", "10900", 50),
        ],
        # (action, what it takes beside the reason, the officer's own reason); a
        # suspension's ``until_days`` counts from the day the demo is seeded
        "sanctions": [
            (
                "penalise",
                {"ground": "delay", "points": 6},
                "ثلاث عاملات وصلن بعد الموعد المتفق عليه بأكثر من ثلاثين يوما. "
                "Three workers arrived more than thirty days after the agreed date.",
            ),
            (
                "warn",
                {"ground": "complaints"},
                "شكاوى لم يرد عليها المكتب في المهلة. "
                "Complaints the office left unanswered within its window.",
            ),
        ],
    },
    {
        "key": "dammam",
        "name_ar": "مكتب ساحل الخليج للاستقدام",
        "name_en": "Gulf Coast Recruitment",
        "licence_number": "DEMO-DMM-0003",
        "cr_number": "2050456783",
        "city": "dammam",
        "address": "طريق الأمير محمد بن فهد، الدمام / Prince Mohammed bin Fahd Road, Dammam",
        "phone": "+966132345603",
        "email": "gulfcoast@example.com",
        "licence_days": 250,
        "bank_guarantee": "250000",
        "nationalities": ["PHL", "IDN", "BGD"],
        "occupations": ["housemaid", "cook", "private-driver"],
        "manager": "1000000081",
        "prices": [
            ("PHL", "housemaid", "14600", 70),
            ("IDN", "housemaid", "15500", 80),
            ("BGD", "private-driver", "11500", 60),
        ],
        "sanctions": [
            (
                "suspend",
                {"ground": "money_outside", "until_days": 60},
                "طلب المكتب من مستفيدين دفع مبالغ خارج المنصة. "
                "The office asked beneficiaries for payments outside the platform.",
            ),
        ],
    },
    {
        "key": "madinah",
        "name_ar": "مكتب طيبة للاستقدام",
        "name_en": "Taibah Recruitment",
        "licence_number": "DEMO-MED-0004",
        "cr_number": "4650456784",
        "city": "madinah",
        "address": "طريق الملك عبدالله، المدينة المنورة / King Abdullah Road, Madinah",
        "phone": "+966142345604",
        "email": "taibah@example.com",
        "licence_days": 500,
        "bank_guarantee": "200000",
        "nationalities": ["PHL", "LKA", "IDN"],
        "occupations": ["housemaid", "nanny", "home-nurse"],
        "manager": "1000000099",
        "prices": [
            ("PHL", "housemaid", "14200", 65),
            ("LKA", "housemaid", "13200", 60),
            ("LKA", "nanny", "13600", 70),
            ("IDN", "home-nurse", "17500", 90),
        ],
    },
    {
        "key": "abha",
        "name_ar": "مكتب عسير للاستقدام",
        "name_en": "Asir Recruitment",
        "licence_number": "DEMO-AHB-0005",
        "cr_number": "5850456785",
        "city": "abha",
        "address": "طريق الملك خالد، أبها / King Khalid Road, Abha",
        "phone": "+966172345605",
        "email": "asir@example.com",
        "licence_days": 380,
        "bank_guarantee": "150000",
        "nationalities": ["ETH", "KEN", "UGA"],
        "occupations": ["housemaid", "cleaner", "farmer"],
        "manager": "1000000107",
        "prices": [
            ("ETH", "housemaid", "5200", 50),
            ("KEN", "housemaid", "8900", 45),
            ("UGA", "cleaner", "8100", 55),
        ],
    },
    {
        "key": "buraidah",
        "name_ar": "مكتب القصيم للاستقدام",
        "name_en": "Al Qassim Recruitment",
        "licence_number": "DEMO-BRD-0006",
        "cr_number": "1131456786",
        "city": "buraidah",
        "address": "طريق الملك عبدالعزيز، بريدة / King Abdulaziz Road, Buraidah",
        "phone": "+966162345606",
        "email": "qassim@example.com",
        "licence_days": 330,
        "bank_guarantee": "120000",
        "nationalities": ["IND", "BGD", "PAK", "NPL"],
        "occupations": ["private-driver", "farmer", "guard"],
        "manager": "1000000115",
        "prices": [
            ("IND", "private-driver", "15000", 45),
            ("BGD", "farmer", "10500", 50),
            ("PAK", "guard", "14000", 60),
            ("NPL", "private-driver", "12500", 55),
        ],
    },
]

# The complaints about the offices, in order: (office key, owner's ID number, subject,
# description, the steps after filing). A step is the complaint workflow's action and
# who takes it: "office" (the office's manager), "owner", "officer" (the demo complaints
# officer), "system". The owner ``abdullah`` (the ready account) files the first one
# and it waits for the office: the demo's walk-through starts there.
Step = tuple[str, str]
OFFICE_ANSWER = (
    "نعتذر عن التأخير. تواصلنا مع مكتب الإرسال وسيصلكم موعد الوصول خلال أسبوع. "
    "We apologise for the delay: the sending agency confirmed, and you will have the "
    "arrival date within a week."
)
DEMO_COMPLAINTS: list[dict[str, Any]] = [
    {
        "office": "riyadh",
        "owner": "1000000040",
        "subject": "مكتب الاستقدام لا يرد على الاتصالات",
        "description": "دفعت رسوم المكتب قبل ثلاثة أسابيع ولم يتواصل معي أحد منذ ذلك الحين.",
        "steps": [],
    },
    {
        "office": "riyadh",
        "owner": "1000000123",
        "subject": "تأخر موعد وصول العاملة",
        "description": "The office promised sixty days; it has been seventy-five.",
        "steps": [("office_answer", "office"), ("accept_answer", "owner")],
    },
    {
        "office": "riyadh",
        "owner": "1000000131",
        "subject": "The contract shows the wrong occupation",
        "description": "I asked for a cook; the contract the office sent says housemaid.",
        "steps": [("office_answer", "office"), ("accept_answer", "owner")],
    },
    {
        "office": "riyadh",
        "owner": "2000000048",
        "subject": "No receipt for the payment",
        "description": "I paid through the platform but the office says it has no record.",
        "steps": [("office_answer", "office")],
    },
    {
        "office": "jeddah",
        "owner": "1000000123",
        "subject": "المكتب لم يرد على الشكوى",
        "description": "مرت المهلة دون أي رد من المكتب على طلبي.",
        "steps": [("office_window_ended", "system")],
    },
    {
        "office": "jeddah",
        "owner": "1000000131",
        "subject": "Worker arrived forty days late",
        "description": "The worker arrived forty days after the date in the contract.",
        "steps": [
            ("office_answer", "office"),
            ("ask_ministry", "owner"),
            ("take", "officer"),
            ("resolve", "officer"),
        ],
    },
    {
        "office": "jeddah",
        "owner": "2000000048",
        "subject": "Refund not paid",
        "description": "The worker never came; the office has not refunded the fee.",
        "steps": [("office_answer", "office"), ("ask_ministry", "owner"), ("take", "officer")],
    },
    {
        "office": "jeddah",
        "owner": "1000000123",
        "subject": "طلب تغيير العاملة",
        "description": "طلبت استبدال العاملة خلال فترة التجربة ولم يتم الرد.",
        "steps": [("office_answer", "office"), ("accept_answer", "owner")],
    },
    {
        "office": "dammam",
        "owner": "1000000131",
        "subject": "طلب مني المكتب الدفع نقدا",
        "description": "طلب المكتب مبلغا إضافيا نقدا خارج المنصة قبل إرسال العاملة.",
        "steps": [("office_window_ended", "system"), ("take", "officer"), ("resolve", "officer")],
    },
    {
        "office": "dammam",
        "owner": "2000000048",
        "subject": "The office asked for cash",
        "description": "The office wanted 3,000 SAR in cash, outside the platform.",
        "steps": [("office_window_ended", "system")],
    },
    {
        "office": "madinah",
        "owner": "1000000123",
        "subject": "الأوراق ناقصة",
        "description": "The medical report of the worker is missing from the file.",
        "steps": [("office_answer", "office"), ("accept_answer", "owner")],
    },
    {
        "office": "madinah",
        "owner": "2000000048",
        "subject": "Arrival date not given",
        "description": "Two months after the contract, still no arrival date.",
        "steps": [],
    },
    {
        "office": "abha",
        "owner": "1000000131",
        "subject": "Price higher than listed",
        "description": "The office quoted more than the price in the directory.",
        "steps": [("office_answer", "office"), ("accept_answer", "owner")],
    },
]

# What each actor writes when a step takes a message.
MESSAGES: dict[str, str] = {
    "office_answer": OFFICE_ANSWER,
    "ask_ministry": "لم يحل المكتب المشكلة. The office has not solved it; please step in.",
    "resolve": (
        "تواصلنا مع المكتب وتم الاتفاق على الحل. We contacted the office; it agreed to "
        "refund the difference within five working days."
    ),
}
