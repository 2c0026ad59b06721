"""The Arabic catalogue's counted messages: six plural forms, and numbers that agree."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[3] / "locale/ar/LC_MESSAGES/django.po"
ARABIC_PLURALS = (
    "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
    "n%100>=11 && n%100<=99 ? 4 : 5;"
)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def counted_messages():
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle)
    return catalog, [m for m in catalog if m.id and m.pluralizable]


def test_the_catalogue_has_the_six_arabic_plural_forms():
    catalog, counted = counted_messages()
    assert catalog.plural_forms.replace(" ", "") == ARABIC_PLURALS.replace(" ", "")
    assert counted
    for message in counted:
        assert len(message.string) == 6 and all(message.string), message.id[0]


@pytest.mark.parametrize("message", counted_messages()[1], ids=lambda m: m.id[0][:50])
def test_one_and_two_are_said_as_arabic_says_them(message):
    """ "2 يوم" is wrong: one is "يوم واحد", two the dual "يومين", 3-10 "أيام", 11-99
    "يومًا", 100 "يوم". A message that gives the number as a value ("the count: 2") reads
    the same in every form."""
    _zero, one, two, few, many, other = message.string
    if len(set(message.string)) == 1:
        return  # the number is a value, never a noun's count
    assert one != other and two != other and two != one, message.string
    # The number itself may go in "one" and "two" (the words say it); every other
    # placeholder stays in every form, and the "few" and "many" forms keep them all.
    singular, plural = message.id
    names = set(PLACEHOLDER.findall(singular)) | set(PLACEHOLDER.findall(plural))
    for form in (few, many, other):
        assert set(PLACEHOLDER.findall(form)) == names, form
    for form in (one, two):
        assert len(names - set(PLACEHOLDER.findall(form))) <= 1, form
