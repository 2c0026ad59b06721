"""How every form shows its errors (musaned/core/forms.py and core/templates/core/forms/)."""

import re

import pytest
from django import forms

from musaned.core.forms import Form

pytestmark = pytest.mark.django_db


def summary_entries(html: str) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the error summary on a page."""
    block = re.search(r'<ul class="error-summary__list">(.*?)</ul>', html, re.S).group(1)
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', block, re.S)
    ]


def test_an_empty_registration_step_names_each_missing_field_in_arabic(client, registry):
    response = client.post("/register/identity/", {})
    entries = summary_entries(response.text)
    # Not "هذا الحقل مطلوب." four times: each entry says which field it is about.
    assert [text for _, text in entries] == [
        "نوع الهوية: هذا الحقل مطلوب.",
        "رقم الهوية الوطنية أو رقم الإقامة: هذا الحقل مطلوب.",
        "الاسم الأول: هذا الحقل مطلوب.",
        "اسم العائلة: هذا الحقل مطلوب.",
    ]
    for target, _ in entries:
        assert f'id="{target}"' in response.text  # each entry leads to its control


class Example(Form):
    name = forms.CharField(label="Name")
    about = forms.ChoiceField(
        label="What is it about?", choices=[("a", "A")], widget=forms.RadioSelect
    )
    agree = forms.BooleanField(label="I agree to the terms.")
    untitled = forms.CharField(label="")


def test_each_entry_is_the_label_and_the_message_linked_to_the_field():
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        html = render_to_string("core/forms/error_summary.html", {"form": Example(data={})})
    assert summary_entries(html) == [
        ("id_name", "Name: This field is required."),
        ("id_about_0", "What is it about? This field is required."),
        ("id_agree", "I agree to the terms. This field is required."),
        ("id_untitled", "This field is required."),
    ]


class Typed(Form):
    name = forms.CharField(label="Name", max_length=11)
    story = forms.CharField(label="Story", widget=forms.Textarea)
    secret = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    codes = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)


def test_control_and_bidi_override_characters_are_taken_out_before_any_check():
    form = Typed(
        data={
            # 11 characters and 6 invisible ones: within the 11 allowed.
            "name": "\u202eMoh\x00amm\u2066ed\tAl\x1b\u2069",
            "story": "Line one\r\nLine\x00 two\x85\u2028third\t(tab kept)",
            "secret": "pass\x07word\u202e",
            "codes": ["a\x00"],
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Mohammed Al"  # the tab is a space in one line
    assert form.cleaned_data["story"] == "Line one\r\nLine two\nthird\t(tab kept)"
    assert form.cleaned_data["secret"] == "pass\x07word\u202e"  # a secret is kept as typed
    assert form.cleaned_data["codes"] == ["a"]
    # Shown again without them too (a refused form keeps what was typed, cleaned).
    assert 'value="Mohammed Al"' in str(form["name"])


def test_a_name_with_an_invisible_override_still_matches_the_registry(client, registry):
    """Registration step 1 compares the names with the registry: an RLO pasted with the
    name is not part of it."""
    response = client.post(
        "/register/identity/",
        {
            "id_type": "citizen",
            "national_id": "1000000008",
            "first_name": "\u202bمحمد\u202c",
            "family_name": "العتيبي\x01",
            "birth_date_hijri_day": "15",
            "birth_date_hijri_month": "7",
            "birth_date_hijri_year": "1405",
        },
    )
    assert response.status_code == 302, response.text
    assert response["Location"] == "/register/verify/"
