import datetime as dt

import pytest
from django import forms
from django.utils import translation

from musaned.identity.fields import (
    GregorianDateField,
    HijriDateField,
    SaudiIdField,
    SaudiMobileField,
)
from musaned.identity.hijri import gregorian_to_hijri, hijri_month_length, hijri_to_gregorian


class BirthForm(forms.Form):
    hijri = HijriDateField(required=False)
    gregorian = GregorianDateField(required=False)


class ContactForm(forms.Form):
    mobile = SaudiMobileField()
    national_id = SaudiIdField(required=False)


def _birth_form(field: str, day, month, year) -> BirthForm:
    return BirthForm(data={f"{field}_day": day, f"{field}_month": month, f"{field}_year": year})


def test_citizen_enters_hijri_birth_date_and_gets_the_gregorian_day():
    form = _birth_form("hijri", "1", "1", "1446")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hijri"] == dt.date(2024, 7, 7)


def test_hijri_date_typed_in_arabic_indic_digits_is_understood():
    form = _birth_form("hijri", "١", "1", "١٤٤٦")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["hijri"] == dt.date(2024, 7, 7)


def test_1_muharram_1446_is_7_july_2024_both_ways():
    assert hijri_to_gregorian(1446, 1, 1) == dt.date(2024, 7, 7)
    assert gregorian_to_hijri(dt.date(2024, 7, 7)) == (1446, 1, 1)


def test_day_30_of_a_29_day_hijri_month_is_a_form_error_not_a_crash():
    assert hijri_month_length(1446, 1) == 29
    form = _birth_form("hijri", "30", "1", "1446")
    assert not form.is_valid()
    assert form.has_error("hijri", code="day")
    with translation.override("en"):
        assert form.errors["hijri"] == ["Muharram 1446 has 29 days; day 30 does not exist."]


@pytest.mark.parametrize(
    ("day", "month", "year", "code"),
    [
        ("1", "1", "1200", "year"),  # outside the Umm al-Qura tables
        ("1", "13", "1446", "month"),
        ("x", "1", "1446", "invalid"),
        ("", "1", "1446", None),  # Django's MultiValueField drops the "incomplete" code
    ],
)
def test_impossible_hijri_input_is_a_form_error(day, month, year, code):
    form = _birth_form("hijri", day, month, year)
    assert not form.is_valid()
    assert form.has_error("hijri", code=code) if code else form.has_error("hijri")


def test_resident_enters_gregorian_birth_date():
    form = _birth_form("gregorian", "14", "3", "1988")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["gregorian"] == dt.date(1988, 3, 14)


def test_31_april_is_refused_as_a_form_error():
    form = _birth_form("gregorian", "31", "4", "2000")
    assert not form.is_valid()
    assert form.has_error("gregorian", code="day")


def test_29_february_is_accepted_only_in_a_leap_year():
    assert _birth_form("gregorian", "29", "2", "2000").is_valid()
    assert not _birth_form("gregorian", "29", "2", "1999").is_valid()


def test_hijri_widget_shows_a_stored_date_in_hijri():
    form = BirthForm(initial={"hijri": dt.date(2024, 7, 7), "gregorian": dt.date(2024, 7, 7)})
    html = str(form["hijri"])
    assert 'value="1446"' in html
    assert 'value="1"' in html
    assert 'value="2024"' in str(form["gregorian"])


@pytest.mark.parametrize(
    "typed",
    ["0512345678", "+966512345678", "00966512345678", "٠٥١٢٣٤٥٦٧٨", "051 234 5678"],
)
def test_saudi_mobile_is_accepted_in_the_ways_people_type_it(typed):
    form = ContactForm(data={"mobile": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["mobile"] == "+966512345678"


@pytest.mark.parametrize(
    "typed",
    ["0112345678", "+966112345678", "051234567", "+201012345678", "mobile", "05123456789"],
)
def test_landlines_and_foreign_or_malformed_numbers_are_refused(typed):
    form = ContactForm(data={"mobile": typed})
    assert not form.is_valid()
    assert "mobile" in form.errors


def test_mobile_is_shown_back_the_way_saudis_write_it():
    form = ContactForm(initial={"mobile": "+966512345678"})
    assert 'value="0512345678"' in str(form["mobile"])


def test_id_field_cleans_arabic_indic_digits_to_ascii():
    form = ContactForm(data={"mobile": "0512345678", "national_id": "١٠٠٠٠٠٠٠٠٨"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["national_id"] == "1000000008"


def test_id_field_shows_a_translated_error_for_a_bad_check_digit():
    form = ContactForm(data={"mobile": "0512345678", "national_id": "1000000000"})
    assert not form.is_valid()
    assert form.has_error("national_id", code="checksum")
