"""The first version of the platform's standard recruitment contract, dated 1 January 2026
(the compensation rule of 2026: 15 % during the extension, 20 % after it), with the
client's own cancellation schedule of 2020 as published (5 % at days 6–30, 10 % at 31–120,
15 % at 121–150; docs/recruitment.md says which part of it applies). Staff add later
versions with their own date; a version in force is never edited."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

CLAUSES_EN = [
    "This contract is made on the Musaned platform between the beneficiary (the employer) "
    "and the recruitment office named above, for the recruitment of the worker named above "
    "in the occupation and at the monthly salary written above.",
    "The beneficiary pays the price with VAT on the platform. The platform holds the money "
    "and releases it as this contract says; nothing is paid to the office outside the "
    "platform.",
    "The office brings the worker to the arrival point within 90 days of the day of "
    "payment. If she has not arrived by then, a 30-day extension starts by itself, and the "
    "beneficiary is told by SMS.",
    "If the beneficiary cancels during the extension, the whole amount paid is refunded "
    "with compensation of 15 % of it; after the extension, with compensation of 20 %. The "
    "compensation is charged to the office's bank guarantee.",
    "Before the worker arrives, while the office is within its 90 days, the beneficiary may "
    "cancel: the office keeps the share of the amount paid that the cancellation schedule "
    "gives for the day of cancellation, and the rest is refunded.",
    "The office records each stage on the platform with its evidence: the visa linked, the "
    "visa stamped and the travel documents ready, the medical check passed, the ticket "
    "booked (flight and date), and the arrival (date and arrival point).",
    "The platform releases 70 % of the amount paid to the office when the worker arrives, "
    "and the rest when the trial period ends.",
    "The first 90 days after arrival are a trial period. If the trial fails, the "
    "beneficiary reports it on the platform, the office takes the worker back, and the "
    "amount paid is refunded in proportion to the days of the trial not served.",
    "The worker's monthly salary is paid at the end of each month. Her passport and "
    "documents stay in her own keeping.",
    "A dispute goes first to the office, through a complaint on the platform, and then to "
    "the ministry.",
    "Each party signs this contract electronically on the platform; each signature record "
    "holds the SHA-256 fingerprint of this contract, the signer and the time.",
]

CLAUSES_AR = [
    "يُبرم هذا العقد على منصة مساند بين المستفيد (صاحب العمل) ومكتب الاستقدام المذكور أعلاه، "
    "لاستقدام العاملة المذكورة أعلاه في المهنة وبالراتب الشهري المكتوبين أعلاه.",
    "يدفع المستفيد السعر شاملًا ضريبة القيمة المضافة على المنصة. تحتفظ المنصة بالمبلغ وتصرفه "
    "كما ينص هذا العقد، ولا يُدفع للمكتب شيء خارج المنصة.",
    "يُحضر المكتب العاملة إلى منفذ الوصول خلال 90 يومًا من يوم الدفع. فإن لم تصل حتى ذلك الحين "
    "بدأت مهلة إضافية مدتها 30 يومًا تلقائيًا، ويُبلَّغ المستفيد برسالة نصية.",
    "إذا ألغى المستفيد العقد خلال المهلة الإضافية استُرد كامل المبلغ المدفوع مع تعويض قدره 15٪ "
    "منه، وبعد انتهاء المهلة مع تعويض قدره 20٪. ويُخصم التعويض من الضمان البنكي للمكتب.",
    "قبل وصول العاملة، وما دام المكتب في حدود مدة الـ90 يومًا، يجوز للمستفيد الإلغاء: يحتفظ "
    "المكتب بالنسبة من المبلغ المدفوع التي يحددها جدول الإلغاء ليوم الإلغاء، ويُسترد الباقي.",
    "يسجّل المكتب كل مرحلة على المنصة مع ما يثبتها: ربط التأشيرة، وختم التأشيرة وجاهزية "
    "وثائق السفر، واجتياز الفحص الطبي، وحجز التذكرة (الرحلة وتاريخها)، والوصول (التاريخ ومنفذ "
    "الوصول).",
    "تصرف المنصة للمكتب 70٪ من المبلغ المدفوع عند وصول العاملة، والباقي عند انتهاء فترة "
    "التجربة.",
    "الأيام التسعون الأولى بعد الوصول فترة تجربة. إذا لم تنجح التجربة أبلغ المستفيد عن ذلك على "
    "المنصة، ويستعيد المكتب العاملة، ويُسترد المبلغ المدفوع بنسبة أيام التجربة التي لم تُقضَ.",
    "يُدفع راتب العاملة الشهري في نهاية كل شهر، ويبقى جواز سفرها ووثائقها في حوزتها.",
    "يُرفع أي خلاف أولًا إلى المكتب بشكوى على المنصة، ثم إلى الوزارة.",
    "يوقّع كل طرف هذا العقد إلكترونيًا على المنصة، ويحفظ سجل كل توقيع بصمة SHA-256 لهذا العقد "
    "والموقّع ووقت التوقيع.",
]

SCHEDULE_2020 = [
    {"from_day": 0, "to_day": 5, "percent": "0"},
    {"from_day": 6, "to_day": 30, "percent": "5"},
    {"from_day": 31, "to_day": 120, "percent": "10"},
    {"from_day": 121, "to_day": 150, "percent": "15"},
]

SOURCE = (
    "Musaned's unified recruitment journey as recruitment offices' copies of its FAQ and "
    "the press describe it (2023–2026): 90 days from payment and a 30-day extension, "
    "compensation of 20 % (15 % during the extension, 2026 rule), a 90-day trial refunded "
    "pro rata; the client's own cancellation schedule of 2020"
)


def load(apps, schema_editor):
    ContractTerms = apps.get_model("recruitment", "ContractTerms")
    ContractTerms.objects.update_or_create(
        version="2026.1",
        defaults={
            "effective_from": dt.date(2026, 1, 1),
            "title_ar": "العقد الموحد لاستقدام العمالة المنزلية",
            "title_en": "Standard contract for recruiting a domestic worker",
            "clauses_ar": CLAUSES_AR,
            "clauses_en": CLAUSES_EN,
            "cancellation_schedule": SCHEDULE_2020,
            "delivery_days": 90,
            "extension_days": 30,
            "trial_days": 90,
            "extension_compensation_percent": Decimal("15"),
            "late_compensation_percent": Decimal("20"),
            "release_on_arrival_percent": Decimal("70"),
            "offer_window_existing_visa": 2,
            "offer_window_new_visa": 7,
            "decision_days": 7,
            "respond_days": 3,
            "handover_days": 3,
            "source": SOURCE,
        },
    )


def unload(apps, schema_editor):
    apps.get_model("recruitment", "ContractTerms").objects.filter(
        version="2026.1", contracts__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
