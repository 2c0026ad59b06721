import datetime as dt

import pytest

from musaned.identity.registry import (
    LocalRegistry,
    PersonRecord,
    get_registry,
    match_person,
    normalize_name,
)
from musaned.identity.saudi_id import IdType

BORN = dt.date(1988, 3, 14)
RECORD = PersonRecord(
    national_id="2000000006",
    id_type=IdType.RESIDENT,
    first_names=("أحمد", "Ahmed"),
    family_names=("عبد الله", "Abdullah"),
    birth_date=BORN,
    nationality="EGY",
    gender="M",
    mobile="+966500000006",
    disability_exemption=False,
    unpaid_traffic_violations=False,
)


def _match(first="Ahmed", family="Abdullah", born=BORN, id_type=IdType.RESIDENT, record=RECORD):
    return match_person(
        record, id_type=id_type, first_name=first, family_name=family, birth_date=born
    )


@pytest.mark.parametrize(
    ("first", "family"),
    [
        ("Ahmed", "Abdullah"),
        ("أحمد", "عبد الله"),
        ("احمد", "عبد الله"),  # alef without hamza
        ("إحمد", "عبد  الله"),  # another alef form, doubled space
        ("AHMED", "abdullah"),
        ("  ahmed ", "Abdullah"),
        ("أَحْمَد", "عبد الله"),  # with tashkeel
        ("Ahmed", "عبد الله"),  # one name in each script
    ],
)
def test_names_match_the_registry_however_the_person_writes_them(first, family):
    assert _match(first=first, family=family).ok


def test_name_normalisation_ignores_case_alef_forms_and_tatweel():
    assert normalize_name("أحمـــد") == normalize_name("احمد")
    assert normalize_name("آمنة") == normalize_name("امنه")
    assert normalize_name("Ahmed") == normalize_name("aHMED")
    assert normalize_name("Al-Otaibi") == normalize_name("al otaibi")


def test_a_different_name_does_not_match_and_says_which_part_for_the_audit():
    result = _match(first="Mahmoud")
    assert not result.ok
    assert result.mismatched == ("first_name",)


def test_wrong_birth_date_and_id_type_do_not_match():
    result = _match(born=BORN + dt.timedelta(days=1), id_type=IdType.CITIZEN)
    assert not result.ok
    assert set(result.mismatched) == {"birth_date", "id_type"}


def test_an_unknown_person_is_not_found():
    result = _match(record=None)
    assert not result.found
    assert not result.ok


def test_local_registry_reads_demo_people(registry):
    record = get_registry().lookup("1000000008")
    assert isinstance(get_registry(), LocalRegistry)
    assert record.id_type == IdType.CITIZEN
    assert "محمد" in record.first_names
    assert get_registry().lookup("1000000057") is None
