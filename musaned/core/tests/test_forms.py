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
