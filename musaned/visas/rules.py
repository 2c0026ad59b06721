"""The eligibility rules: each gives a verdict in plain words and what to do to pass.

The same function answers "can I get a visa?" before an application starts,
on the application's review page, and when the paid application is decided,
so what a person is told before paying is exactly what decides.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from musaned.accounts.models import User
from musaned.identity.registry import PersonRecord, get_registry
from musaned.identity.saudi_id import IdType
from musaned.visas.models import CapacityTier, Occupation, RuleSet, VisaApplication
from musaned.visas.selectors import active_visa_count, rule_set_in_effect


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    FAIL = "fail"
    NEEDS_INFO = "needs_info"
    REVIEW = "review"


@dataclass(frozen=True)
class Verdict:
    rule: str
    status: Status
    title: str
    message: str
    advice: str = ""

    def as_dict(self) -> dict:
        return {"rule": self.rule, "status": str(self.status)}


@dataclass(frozen=True)
class Rule:
    """A rule's name and title, which each of its verdicts carries:
    ``Rule("age", _("Minimum age")).fails(message, advice)``."""

    name: str
    title: str

    def verdict(self, status: Status, message: str, advice: str = "") -> Verdict:
        return Verdict(self.name, status, self.title, message, advice)

    def passes(self, message: str) -> Verdict:
        return self.verdict(Status.PASS, message)

    def fails(self, message: str, advice: str = "") -> Verdict:
        return self.verdict(Status.FAIL, message, advice)

    def needs_info(self, message: str, advice: str = "") -> Verdict:
        return self.verdict(Status.NEEDS_INFO, message, advice)

    def review(self, message: str) -> Verdict:
        """A person decides (the staff's quality check), after payment."""
        return self.verdict(Status.REVIEW, message)


@dataclass
class Facts:
    """Everything the rules look at, gathered once."""

    user: User
    person: PersonRecord | None
    rule_set: RuleSet
    today: dt.date
    application: VisaApplication | None
    active_visas: int
    tiers: dict[tuple[str, int], CapacityTier] = field(default_factory=dict)


def _sar(amount: Decimal | None) -> str:
    return _("%(amount)s SAR") % {"amount": number_format(int(amount or 0), force_grouping=True)}


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def rule_registry(f: Facts) -> Verdict:
    rule = Rule("registry", _("Identity confirmed"))
    if f.person is None:
        return rule.fails(
            _("We could not confirm your identity with the national registry."),
            _("Call the unified number 920002866."),
        )
    return rule.passes(_("Your identity is confirmed."))


def rule_category(f: Facts) -> Verdict:
    rule = Rule("category", _("Applicant category"))
    if f.user.id_type == IdType.CITIZEN:
        return rule.passes(_("You apply as a citizen."))
    if f.user.id_type == IdType.RESIDENT:
        return rule.passes(_("You apply as a resident."))
    return rule.fails(_("Only citizens and residents with an account can apply."))


def rule_age(f: Facts) -> Verdict:
    rule = Rule("age", _("Minimum age"))
    born = f.person.birth_date if f.person else f.user.birth_date
    if born is None:
        return rule.needs_info(_("Your date of birth is not known."))
    age, minimum = _age(born, f.today), f.rule_set.min_age
    if age >= minimum:
        return rule.passes(
            ngettext(
                "You are %(age)s year old; the minimum is %(min)s.",
                "You are %(age)s years old; the minimum is %(min)s.",
                age,
            )
            % {"age": age, "min": minimum},
        )
    try:
        from_date = born.replace(year=born.year + minimum)
    except ValueError:  # born on 29 February
        from_date = dt.date(born.year + minimum, 3, 1)
    return rule.fails(
        ngettext(
            "Applicants must be at least %(min)s year old; you are %(age)s.",
            "Applicants must be at least %(min)s years old; you are %(age)s.",
            minimum,
        )
        % {"age": age, "min": minimum},
        _("You can apply from %(date)s.") % {"date": from_date.isoformat()},
    )


def rule_traffic(f: Facts) -> Verdict:
    rule = Rule("traffic", _("No unpaid traffic violations"))
    if f.person is not None and f.person.unpaid_traffic_violations:
        return rule.fails(
            _("You have unpaid traffic violations."),
            _(
                "Pay them (through SADAD or Absher), then check again. No fee is taken before this passes."
            ),
        )
    return rule.passes(_("You have no unpaid traffic violations."))


def rule_fee(f: Facts) -> Verdict:
    rule = Rule("fee", _("Visa fee"))
    if f.person is not None and f.person.disability_exemption:
        return rule.passes(_("No fee: you have a registered disability exemption."))
    return rule.passes(
        _("The fee is %(fee)s, paid through SADAD after you submit, before the decision.")
        % {"fee": _sar(f.rule_set.fee)},
    )


def _tier_text(tier: CapacityTier) -> str:
    if tier.needs_both:
        return _(
            "a monthly salary of at least %(salary)s and a bank balance of at least %(balance)s"
        ) % {
            "salary": _sar(tier.min_salary),
            "balance": _sar(tier.min_balance),
        }
    if tier.min_salary is None:
        return _("a salary certificate, or a bank balance of at least %(balance)s") % {
            "balance": _sar(tier.min_balance)
        }
    return _(
        "a monthly salary of at least %(salary)s, or a bank balance of at least %(balance)s"
    ) % {
        "salary": _sar(tier.min_salary),
        "balance": _sar(tier.min_balance),
    }


def rule_capacity(f: Facts) -> Verdict:
    rule = Rule("capacity", _("Number of visas and financial capacity"))
    number = f.active_visas + 1
    tier = f.tiers.get((f.user.id_type, number))
    if tier is None:
        allowed = sum(1 for category, _n in f.tiers if category == f.user.id_type)
        return rule.fails(
            ngettext(
                "You hold %(count)s active visa or application; %(allowed)s is the most allowed.",
                "You hold %(count)s active visas or applications; %(allowed)s is the most allowed.",
                f.active_visas,
            )
            % {"count": f.active_visas, "allowed": allowed},
            _("Cancel an unused visa, or wait until one is used or expires."),
        )
    needs = _tier_text(tier)
    app = f.application
    if app is None or (app.monthly_salary is None and app.bank_balance is None):
        return rule.needs_info(
            _("This would be your visa number %(n)s. It needs %(needs)s.")
            % {"n": number, "needs": needs},
            _("Declare your salary or balance in the application, with the document."),
        )
    if tier.met_by(salary=app.monthly_salary, balance=app.bank_balance):
        return rule.passes(
            _("Visa number %(n)s: your declared income meets %(needs)s.")
            % {"n": number, "needs": needs},
        )
    return rule.fails(
        _("Visa number %(n)s needs %(needs)s; what you declared is less.")
        % {"n": number, "needs": needs},
        _("Correct the amounts if they are wrong, or add the other proof."),
    )


def rule_own_nationality(f: Facts) -> Verdict | None:
    if f.user.id_type != IdType.RESIDENT:
        return None
    rule = Rule("own_nationality", _("Worker's nationality"))
    app = f.application
    if app is None or app.nationality_id is None:
        return rule.needs_info(
            _("Residents may not recruit a worker of their own nationality."),
            _("Choose another nationality in the application."),
        )
    nationality = app.nationality
    if (
        f.person is not None
        and nationality is not None
        and nationality.code == f.person.nationality
    ):
        return rule.fails(
            _("Residents may not recruit a worker of their own nationality."),
            _("Choose another nationality."),
        )
    return rule.passes(_("The worker's nationality is allowed."))


def _occupation(f: Facts) -> Occupation | None:
    """The application's occupation, if one is chosen."""
    app = f.application
    return app.occupation if app is not None and app.occupation_id is not None else None


def rule_gender(f: Facts) -> Verdict | None:
    app, occupation = f.application, _occupation(f)
    if app is None or occupation is None:
        return None
    rule = Rule("gender", _("Worker's gender"))
    if not app.worker_gender:
        return rule.needs_info(_("Choose the worker's gender."))
    if app.worker_gender in occupation.genders:
        return rule.passes(_("This occupation is open to the chosen gender."))
    return rule.fails(
        _("This occupation is not open to the chosen gender."),
        _("Choose the other gender or another occupation."),
    )


def rule_document(f: Facts) -> Verdict | None:
    app, occupation = f.application, _occupation(f)
    if app is None or occupation is None or not occupation.needs_document:
        return None
    rule = Rule("document", _("Occupation document"))
    name = occupation.document_name
    if not app.occupation_document:
        return rule.needs_info(
            _("This occupation needs a %(document)s.") % {"document": name},
            _("Upload it in the application."),
        )
    return rule.review(
        _(
            "A staff member reads your %(document)s before the visa is issued, usually within 24 hours."
        )
        % {"document": name},
    )


RULES = [
    rule_registry,
    rule_category,
    rule_age,
    rule_traffic,
    rule_fee,
    rule_capacity,
    rule_own_nationality,
    rule_gender,
    rule_document,
]


def gather(
    *, user: User, application: VisaApplication | None = None, today: dt.date | None = None
) -> Facts:
    from django.utils import timezone

    today = today or timezone.localdate()
    rule_set = rule_set_in_effect(today)
    return Facts(
        user=user,
        person=get_registry().lookup(user.national_id) if user.national_id else None,
        rule_set=rule_set,
        today=today,
        application=application,
        active_visas=active_visa_count(owner=user, excluding=application),
        tiers={(t.category, t.visa_number): t for t in rule_set.tiers.all()},
    )


def verdicts_of(facts: Facts) -> list[Verdict]:
    """Every rule's verdict on ``facts``, in the rules' order (a rule that does not apply
    gives none)."""
    return [v for rule in RULES if (v := rule(facts)) is not None]


def evaluate(
    *, user: User, application: VisaApplication | None = None, today: dt.date | None = None
) -> list[Verdict]:
    return verdicts_of(gather(user=user, application=application, today=today))


def fee_for(facts: Facts) -> Decimal:
    if facts.person is not None and facts.person.disability_exemption:
        return Decimal("0")
    return facts.rule_set.fee
