from django import template

from musaned.identity.hijri import format_dual, format_gregorian, format_hijri

register = template.Library()


@register.filter
def dual_date(value):
    """Hijri (Umm al-Qura) first, Gregorian in brackets, in the active language."""
    return format_dual(value)


@register.filter
def hijri_date(value):
    return format_hijri(value) if value else ""


@register.filter
def gregorian_date(value):
    return format_gregorian(value) if value else ""
