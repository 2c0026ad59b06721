import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from musaned.identity.saudi_id import IdType, SaudiId, luhn_ok, mask_id


@pytest.mark.parametrize(
    ("number", "id_type"),
    [("1000000008", IdType.CITIZEN), ("2000000006", IdType.RESIDENT)],
)
def test_valid_national_id_and_iqama_are_accepted_with_their_type(number, id_type):
    saudi_id = SaudiId.parse(number)
    assert saudi_id.value == number
    assert saudi_id.id_type == id_type


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("1000000000", "checksum"),
        ("3000000004", "prefix"),  # passes Luhn, but 3 is neither citizen nor resident
        ("100000000", "length"),
        ("10000000080", "length"),
        ("10000000a8", "length"),
        ("abcdefghij", "length"),
        ("", "length"),
    ],
)
def test_invalid_id_number_is_refused_with_a_reason(number, code):
    with pytest.raises(ValidationError) as caught:
        SaudiId.parse(number)
    assert caught.value.code == code


def test_arabic_indic_digits_are_stored_as_ascii():
    assert SaudiId.parse("١٠٠٠٠٠٠٠٠٨").value == "1000000008"


def test_persian_digits_spaces_and_dashes_are_normalised():
    assert SaudiId.parse("۲۰۰۰ ۰۰۰-۰۰۶").value == "2000000006"


def test_other_unicode_digits_are_not_taken_for_ascii():
    # Python's int() accepts Devanagari digits; an ID number must not.
    with pytest.raises(ValidationError):
        SaudiId.parse("१०००००००08")


def test_masked_id_shows_only_first_and_last_two_digits():
    assert mask_id("1000000008") == "1*******08"
    assert SaudiId.parse("2000000006").masked == "2*******06"


@given(
    prefix=st.sampled_from("12"),
    rest=st.text(alphabet="0123456789", min_size=8, max_size=8),
)
def test_every_id_body_has_exactly_one_check_digit(prefix, rest):
    body = prefix + rest
    valid = [digit for digit in "0123456789" if luhn_ok(body + digit)]
    assert len(valid) == 1
    assert SaudiId.parse(body + valid[0]).value == body + valid[0]
