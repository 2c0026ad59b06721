"""JSON from outside within limits (musaned/core/json_input.py): nesting depth measured
before parsing, no NUL or lone surrogate in any string."""

import json

import pytest

from musaned.core import json_input
from musaned.core.json_input import MAX_DEPTH, ForbiddenCharacter, TooDeep, loads, nesting_depth


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("1", 0),
        ('"[[[{{{"', 0),  # brackets inside a string do not count
        ("[]", 1),
        ('{"a": [1, {"b": []}]}', 4),
        ('[["]\\"]", [[]]]]', 4),  # an escaped quote does not end the string
        ("[][][][]", 1),
        ("[" * 40, 40),  # unbalanced: the depth its opening brackets reach
    ],
)
def test_the_depth_is_counted_on_the_raw_text(text, depth):
    assert nesting_depth(text) == depth
    assert nesting_depth(text.encode()) == depth


def test_a_body_nested_thousands_of_levels_is_refused_before_the_parser_recurses():
    deep = b"[" * 5000 + b"]" * 5000
    with pytest.raises(RecursionError):
        json.loads(deep)  # what the payment callback and the API did before
    with pytest.raises(TooDeep) as caught:
        loads(deep)
    assert (caught.value.depth, caught.value.limit) == (5000, MAX_DEPTH)
    with pytest.raises(TooDeep):
        loads(b'{"a":' * 5000)  # never closed: refused all the same


def test_the_documented_depth_is_accepted_and_one_more_refused():
    assert loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    with pytest.raises(TooDeep):
        loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert isinstance(TooDeep(1, 0), ValueError)  # callers that catch ValueError still do


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "\\u0000"}',
        b'{"\\u0000": "key"}',
        b'[[{"deeper": ["a\\u0000b"]}]]',
        b'{"name": "\\ud800"}',  # a lone high surrogate
        b'{"name": "\\udc00x"}',  # a lone low surrogate
        '{"name": "\udfff"}'.encode("utf-8", "surrogatepass"),  # one as raw bytes
    ],
)
def test_nul_and_lone_surrogates_are_refused_anywhere(body):
    with pytest.raises(ForbiddenCharacter):
        loads(body)


def test_text_that_only_looks_like_an_escape_is_kept():
    assert loads(b'{"a": "\\\\u0000"}') == {"a": "\\u0000"}  # a backslash, then "u0000"
    assert loads(b'"\\ud83d\\ude00"') == "\U0001f600"  # a surrogate pair is one emoji
    assert loads('{"الاسم": "عبدالله"}'.encode()) == {"الاسم": "عبدالله"}


def test_bytes_that_are_not_utf8_are_a_value_error():
    with pytest.raises(ValueError):
        loads(b'{"a": "\xff"}')


def test_keyword_arguments_reach_the_parser():
    from decimal import Decimal

    assert loads('{"amount": 2000.10}', parse_float=Decimal) == {"amount": Decimal("2000.10")}


def test_text_is_storable():
    assert json_input.text_is_storable("عبدالله 1000000008")
    assert not json_input.text_is_storable("a\x00b")
    assert not json_input.text_is_storable("a\ud800")
