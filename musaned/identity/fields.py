"""Form fields for the identity values: ID number, Saudi mobile, Hijri and Gregorian dates."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from musaned.identity.hijri import (
    GREGORIAN_MONTHS,
    HIJRI_MONTHS,
    MAX_HIJRI_YEAR,
    MIN_HIJRI_YEAR,
    InvalidHijriDate,
    gregorian_to_hijri,
    hijri_month_length,
    hijri_to_gregorian,
)
from musaned.identity.phone import display_mobile, parse_saudi_mobile
from musaned.identity.saudi_id import SaudiId, normalize_digits


class SaudiIdField(forms.CharField):
    """Accepts Arabic-Indic digits; cleans to the normalised ASCII string."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "dir": "ltr", "spellcheck": "false"}
        )

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_digits(value) if value else value

    def validate(self, value):
        super().validate(value)
        if value:
            SaudiId.parse(value)


class SaudiMobileField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel", "dir": "ltr", "placeholder": "05XXXXXXXX"}
        )

    def clean(self, value):
        value = super().clean(value)
        return parse_saudi_mobile(value) if value else value

    def prepare_value(self, value):
        return display_mobile(value) if isinstance(value, str) else value


class DatePartsWidget(forms.MultiWidget):
    """Day, month by name, year: three labelled controls in one fieldset."""

    template_name = "identity/widgets/date_parts.html"
    use_fieldset = True

    def __init__(self, months, calendar: str, attrs=None):
        self.calendar = calendar
        day_attrs = {"inputmode": "numeric", "size": 2, "maxlength": 2, "class": "date-parts__day"}
        year_attrs = {
            "inputmode": "numeric",
            "size": 4,
            "maxlength": 4,
            "class": "date-parts__year",
        }
        month_choices = [("", _("Month"))] + [(str(i), m) for i, m in enumerate(months, 1)]
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs=day_attrs),
            "month": forms.Select(choices=month_choices, attrs={"class": "date-parts__month"}),
            "year": forms.TextInput(attrs=year_attrs),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            if self.calendar == "hijri":
                year, month, day = gregorian_to_hijri(value)
            else:
                year, month, day = value.year, value.month, value.day
            return [str(day), str(month), str(year)]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["calendar"] = self.calendar
        return context


_NUMBER = re.compile(r"[0-9]{1,4}")


def _parts(values) -> tuple[int, int, int]:
    day, month, year = (normalize_digits(v or "") for v in values)
    if not (day and month and year):
        raise ValidationError(_("Enter the day, the month and the year."), code="incomplete")
    if not all(_NUMBER.fullmatch(part) for part in (day, month, year)):
        raise ValidationError(_("Enter the day and the year in digits."), code="invalid")
    return int(year), int(month), int(day)


class _DatePartsField(forms.MultiValueField):
    calendar = ""
    months: list = []
    default_error_messages = {
        "required": _("Enter the date of birth."),
        "incomplete": _("Enter the day, the month and the year."),
    }

    def __init__(self, **kwargs):
        fields = (
            forms.CharField(max_length=2),
            forms.CharField(max_length=2),
            forms.CharField(max_length=4),
        )
        kwargs.setdefault("widget", DatePartsWidget(self.months, self.calendar))
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return None
        return self.to_date(*_parts(data_list))

    def to_date(self, year: int, month: int, day: int) -> dt.date:
        raise NotImplementedError


class HijriDateField(_DatePartsField):
    """An Umm al-Qura date; cleans to the equivalent Gregorian ``date``."""

    calendar = "hijri"
    months = HIJRI_MONTHS

    def to_date(self, year, month, day):
        if not MIN_HIJRI_YEAR <= year <= MAX_HIJRI_YEAR:
            raise ValidationError(
                _("Enter a Hijri year between %(min)s and %(max)s."),
                code="year",
                params={"min": MIN_HIJRI_YEAR, "max": MAX_HIJRI_YEAR},
            )
        if not 1 <= month <= 12:
            raise ValidationError(_("Choose a month."), code="month")
        try:
            return hijri_to_gregorian(year, month, day)
        except InvalidHijriDate:
            days = hijri_month_length(year, month)
            raise ValidationError(
                ngettext_lazy(
                    "%(month)s %(year)s has %(days)s day; day %(day)s does not exist.",
                    "%(month)s %(year)s has %(days)s days; day %(day)s does not exist.",
                    days,
                ),
                code="day",
                params={"month": HIJRI_MONTHS[month - 1], "year": year, "days": days, "day": day},
            ) from None


class GregorianDateField(_DatePartsField):
    calendar = "gregorian"
    months = GREGORIAN_MONTHS

    def to_date(self, year, month, day):
        if not 1900 <= year <= 2100:
            raise ValidationError(
                _("Enter a year between %(min)s and %(max)s."),
                code="year",
                params={"min": 1900, "max": 2100},
            )
        if not 1 <= month <= 12:
            raise ValidationError(_("Choose a month."), code="month")
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(
                _("%(month)s %(year)s has no day %(day)s."),
                code="day",
                params={"month": GREGORIAN_MONTHS[month - 1], "year": year, "day": day},
            ) from None
