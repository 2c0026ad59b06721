"""Hijri (Umm al-Qura) dates: conversion, month names and the two-calendar display."""

import datetime as dt

from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from hijridate import Gregorian, Hijri

HIJRI_MONTHS = [
    _("Muharram"),
    _("Safar"),
    _("Rabi al-Awwal"),
    _("Rabi al-Thani"),
    _("Jumada al-Ula"),
    _("Jumada al-Akhirah"),
    _("Rajab"),
    _("Shaban"),
    _("Ramadan"),
    _("Shawwal"),
    _("Dhu al-Qadah"),
    _("Dhu al-Hijjah"),
]

GREGORIAN_MONTHS = [
    pgettext_lazy("Gregorian month", "January"),
    pgettext_lazy("Gregorian month", "February"),
    pgettext_lazy("Gregorian month", "March"),
    pgettext_lazy("Gregorian month", "April"),
    pgettext_lazy("Gregorian month", "May"),
    pgettext_lazy("Gregorian month", "June"),
    pgettext_lazy("Gregorian month", "July"),
    pgettext_lazy("Gregorian month", "August"),
    pgettext_lazy("Gregorian month", "September"),
    pgettext_lazy("Gregorian month", "October"),
    pgettext_lazy("Gregorian month", "November"),
    pgettext_lazy("Gregorian month", "December"),
]

# The Umm al-Qura tables that hijridate carries.
MIN_HIJRI_YEAR = 1343
MAX_HIJRI_YEAR = 1500


class InvalidHijriDate(ValueError):
    pass


def hijri_to_gregorian(year: int, month: int, day: int) -> dt.date:
    """Raises ``InvalidHijriDate`` for a day the month does not have (30 of a 29-day month)."""
    try:
        return Hijri(year, month, day, validate=True).to_gregorian()
    except (ValueError, OverflowError) as exc:
        raise InvalidHijriDate(str(exc)) from exc


def gregorian_to_hijri(value: dt.date) -> tuple[int, int, int]:
    hijri = Gregorian(value.year, value.month, value.day).to_hijri()
    return hijri.year, hijri.month, hijri.day


def hijri_month_length(year: int, month: int) -> int:
    return Hijri(year, month, 1).month_length()


def format_hijri(value: dt.date) -> str:
    year, month, day = gregorian_to_hijri(value)
    return _("%(day)s %(month)s %(year)s AH") % {
        "day": day,
        "month": HIJRI_MONTHS[month - 1],
        "year": year,
    }


def format_gregorian(value: dt.date) -> str:
    return _("%(day)s %(month)s %(year)s") % {
        "day": value.day,
        "month": GREGORIAN_MONTHS[value.month - 1],
        "year": value.year,
    }


def format_dual(value: dt.date | dt.datetime | None) -> str:
    """``7 Muharram 1446 AH (7 July 2024)``, in the active language."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        local = timezone.localtime(value) if timezone.is_aware(value) else value
        time = formats.time_format(local.time(), "H:i")
        return f"{format_dual(local.date())} {time}"
    try:
        hijri = format_hijri(value)
    except (ValueError, OverflowError):
        return format_gregorian(value)
    return f"{hijri} ({format_gregorian(value)})"
