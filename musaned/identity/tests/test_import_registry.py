import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from musaned.core.models import AuditEvent
from musaned.identity.models import RegistryPerson

HEADER = (
    "national_id,first_name_ar,family_name_ar,first_name_en,family_name_en,"
    "birth_date,birth_date_hijri,nationality,gender,mobile,"
    "disability_exemption,unpaid_traffic_violations"
)

pytestmark = pytest.mark.django_db


def _run(tmp_path, *lines: str, encoding="utf-8"):
    path = tmp_path / "people.csv"
    path.write_bytes("\n".join(lines).encode(encoding) + b"\n")
    out, err = StringIO(), StringIO()
    call_command("import_registry", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_rows_are_imported_and_each_bad_row_is_reported_by_its_line(tmp_path):
    out, err = _run(
        tmp_path,
        HEADER,
        "١٠٠٠٠٠٠٠٠٨,محمد,العتيبي,Mohammed,Alotaibi,,1405-07-15,SAU,M,0500000001,no,",  # 2
        "1000000000,خالد,السبيعي,Khalid,Alsubaie,1990-01-01,,SAU,M,,,",  # 3: check digit
        "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,egy,m,+966500000006,1,YES",  # 4
        "",  # 5: blank lines still count
        "1000000016,نورة,الشهري,Noura,Alshehri,,1446-01-30,SAU,F,,,",  # 6: 29-day month
        "1000000024,فهد,القحطاني,Fahad,Alqahtani,,,SAU,M,,,",  # 7: no birth date
        "2000000014,بريا,ناير,Priya,Nair,1990-11-02,,IND,X,0112345678,maybe,",  # 8
        "1000000032,سارة,الدوسري,Sarah,Aldosari,2000-04-31,,SAU,F,,,",  # 9: 31 April
        "1000000040,عبدالله,الحربي,Abdullah,Alharbi,1978-01-01",  # 10: short row
    )

    assert out.strip().endswith("Imported 2 rows, skipped 6.")
    reported = [line.split(":")[0] for line in err.strip().splitlines()]
    assert reported == [f"line {n}" for n in (3, 6, 7, 8, 9, 10)]
    assert set(RegistryPerson.objects.values_list("national_id", flat=True)) == {
        "1000000008",
        "2000000006",
    }


def test_each_bad_row_names_what_is_wrong_without_echoing_personal_data(tmp_path):
    _out, err = _run(
        tmp_path,
        HEADER,
        "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,EGY,M,,,",
        "1000000000,خالد,السبيعي,Khalid,Alsubaie,1990-01-01,,SAU,M,,,",
        "2000000014,بريا,ناير,Priya,Nair,1990-11-02,,IND,X,0112345678,maybe,",
        "1000000016,نورة,الشهري,Noura,Alshehri,,1446-01-30,SAU,F,,,",
    )
    lines = err.strip().splitlines()
    assert lines[0].startswith("line 3: national_id:")
    assert "gender" in lines[1] and "mobile" in lines[1] and "disability_exemption" in lines[1]
    assert lines[1].startswith("line 4: ")
    assert lines[2].startswith("line 5: birth_date_hijri")
    for secret in ("1000000000", "0112345678", "Priya", "Khalid"):
        assert secret not in err


def test_imported_person_is_stored_normalised(tmp_path):
    _run(
        tmp_path,
        HEADER,
        "١٠٠٠٠٠٠٠٠٨,محمد,العتيبي,Mohammed,Alotaibi,,1405-07-15,SAU,M,٠٥٠٠٠٠٠٠٠١,no,",
        "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,egy,m,,1,YES",
    )
    citizen = RegistryPerson.objects.get(national_id="1000000008")
    assert citizen.id_type == "citizen"
    assert citizen.birth_date == dt.date(1985, 4, 5)  # 15 Rajab 1405
    assert citizen.mobile == "+966500000001"
    assert not citizen.disability_exemption
    resident = RegistryPerson.objects.get(national_id="2000000006")
    assert resident.id_type == "resident"
    assert (resident.nationality, resident.gender, resident.mobile) == ("EGY", "M", "")
    assert resident.disability_exemption and resident.unpaid_traffic_violations


def test_importing_again_updates_the_person(tmp_path):
    row = "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,EGY,M,,,"
    _run(tmp_path, HEADER, row)
    out, _err = _run(tmp_path, HEADER, row.replace("Hassan", "Hasan").replace(",,,", ",,true,"))
    assert "Imported 1 rows, skipped 0." in out
    person = RegistryPerson.objects.get()
    assert person.family_name_en == "Hasan"
    assert person.mobile == ""


def test_both_birth_dates_must_name_the_same_day(tmp_path):
    out, err = _run(
        tmp_path,
        HEADER,
        "1000000008,محمد,العتيبي,Mohammed,Alotaibi,1985-04-05,1405-07-15,SAU,M,,,",
        "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,1405-07-15,EGY,M,,,",
    )
    assert "Imported 1 rows, skipped 1." in out
    assert err.startswith("line 3: birth_date and birth_date_hijri")


def test_a_quoted_value_over_two_lines_is_reported_at_its_first_line(tmp_path):
    out, err = _run(
        tmp_path,
        HEADER,
        '2000000006,أحمد,"حسن\nعلي",Ahmed,Hassan,1988-03-14,,EGY,M,,,,extra',
        "2000000014,بريا,ناير,Priya,Nair,1990-11-02,,IND,F,,,",
    )
    assert err.startswith("line 2: expected 12 fields, found 13")
    assert "Imported 1 rows, skipped 1." in out


def test_a_file_of_only_bad_rows_fails(tmp_path):
    with pytest.raises(CommandError):
        _run(tmp_path, HEADER, "1000000000,x,y,X,Y,1990-01-01,,SAU,M,,,")
    assert not RegistryPerson.objects.exists()


def test_a_header_only_file_succeeds_with_nothing_imported(tmp_path):
    out, err = _run(tmp_path, HEADER)
    assert out.strip() == "Imported 0 rows, skipped 0."
    assert err == ""


@pytest.mark.parametrize(
    "header",
    [
        "national_id,first_name_ar,family_name_ar,first_name_en,family_name_en,birth_date",
        HEADER.replace("birth_date,birth_date_hijri", "birthdate,birth_date_hijri"),
        HEADER.replace(",birth_date,birth_date_hijri", ""),
    ],
)
def test_a_wrong_header_stops_before_anything_is_written(tmp_path, header):
    with pytest.raises(CommandError, match="line 1"):
        _run(tmp_path, header, "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,EGY,M,,,")
    assert not RegistryPerson.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    with pytest.raises(CommandError, match="UTF-8"):
        _run(
            tmp_path,
            HEADER,
            "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,EGY,M,,,",
            encoding="cp1256",
        )


def test_a_byte_order_mark_is_allowed(tmp_path):
    out, _err = _run(
        tmp_path,
        HEADER,
        "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,EGY,M,,,",
        encoding="utf-8-sig",
    )
    assert "Imported 1 rows" in out


def test_the_import_is_audited_with_counts_only(tmp_path):
    _run(tmp_path, HEADER, "2000000006,أحمد,حسن,Ahmed,Hassan,1988-03-14,,EGY,M,,,")
    event = AuditEvent.objects.get(action="registry.imported")
    assert event.data == {"file": "people.csv", "imported": 1, "skipped": 0}
