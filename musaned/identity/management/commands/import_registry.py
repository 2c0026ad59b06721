"""Load the local identity registry (``RegistryPerson``) from a UTF-8 CSV file.

The columns, the accepted values and the exit code are documented in
docs/registry-csv.md. Each good row is created or updated in its own
savepoint; a bad row is reported on stderr as ``line N: <reason>`` (N is the
physical line in the file, the header being line 1) and skipped.
"""

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations
from django.utils import timezone

from musaned.identity.hijri import InvalidHijriDate, hijri_to_gregorian
from musaned.identity.models import Gender, RegistryPerson
from musaned.identity.phone import parse_saudi_mobile
from musaned.identity.saudi_id import SaudiId, normalize_digits
from musaned.identity.services import registry_import

REQUIRED_COLUMNS = (
    "national_id",
    "first_name_ar",
    "family_name_ar",
    "first_name_en",
    "family_name_en",
    "nationality",
    "gender",
)
OPTIONAL_COLUMNS = (
    "birth_date",
    "birth_date_hijri",
    "mobile",
    "disability_exemption",
    "unpaid_traffic_violations",
)
NAME_MAX: int = RegistryPerson._meta.get_field("first_name_ar").max_length or 60

_DATE_PARTS = (re.compile(r"[0-9]{4}"), re.compile(r"[0-9]{2}"), re.compile(r"[0-9]{2}"))
_COUNTRY = re.compile(r"[A-Z]{3}")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


class RowError(ValueError):
    """Everything wrong with one row, as short reasons naming the column."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))


def _message(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _date_parts(value: str) -> tuple[int, int, int] | None:
    """``YYYY-MM-DD`` (digits in any script) as three ints, or None."""
    # normalize_digits also drops dashes, so split first.
    parts = [normalize_digits(part) for part in value.split("-")]
    if len(parts) != 3 or not all(
        pattern.fullmatch(part) for pattern, part in zip(_DATE_PARTS, parts, strict=True)
    ):
        return None
    year, month, day = (int(part) for part in parts)
    return year, month, day


def _birth_date(row: dict[str, str], reasons: list[str]) -> dt.date | None:
    gregorian_raw = row.get("birth_date", "")
    hijri_raw = row.get("birth_date_hijri", "")
    if not gregorian_raw and not hijri_raw:
        reasons.append("birth_date or birth_date_hijri is required")
        return None
    gregorian = hijri = None
    if gregorian_raw:
        parts = _date_parts(gregorian_raw)
        try:
            gregorian = dt.date(*parts) if parts else None
        except ValueError:
            gregorian = None
        if gregorian is None:
            reasons.append("birth_date is not a Gregorian date in the form YYYY-MM-DD")
    if hijri_raw:
        parts = _date_parts(hijri_raw)
        try:
            hijri = hijri_to_gregorian(*parts) if parts else None
        except InvalidHijriDate:
            hijri = None
        if hijri is None:
            reasons.append(
                "birth_date_hijri is not an Umm al-Qura date in the form YYYY-MM-DD "
                "(or that day does not exist in that month)"
            )
    if gregorian and hijri and gregorian != hijri:
        reasons.append(
            f"birth_date and birth_date_hijri name different days "
            f"(the Hijri date is {hijri.isoformat()})"
        )
        return None
    birth = gregorian or hijri
    if birth and birth > timezone.localdate():
        reasons.append("the date of birth is in the future")
        return None
    return birth


def _flag(row: dict[str, str], column: str, reasons: list[str]) -> bool:
    value = row.get(column, "").casefold()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        reasons.append(f"{column} must be true/false, 1/0 or yes/no")
    return False


def parse_row(row: dict[str, str]) -> dict:
    """The ``RegistryPerson`` fields for one CSV row; raises ``RowError``.

    Values are never echoed in the reasons: the file holds personal data,
    and stderr tends to end up in logs.
    """
    reasons: list[str] = []
    fields: dict = {}
    try:
        saudi_id = SaudiId.parse(row.get("national_id", ""))
    except ValidationError as error:
        reasons.append(f"national_id: {_message(error)}")
    else:
        fields["national_id"] = saudi_id.value
        fields["id_type"] = saudi_id.id_type.value
    for column in ("first_name_ar", "family_name_ar", "first_name_en", "family_name_en"):
        value = " ".join(row.get(column, "").split())
        if not value:
            reasons.append(f"{column} is required")
        elif len(value) > NAME_MAX:
            reasons.append(f"{column} is longer than {NAME_MAX} characters")
        fields[column] = value
    fields["birth_date"] = _birth_date(row, reasons)
    nationality = row.get("nationality", "").upper()
    if not _COUNTRY.fullmatch(nationality):
        reasons.append("nationality must be a 3-letter ISO 3166 code such as SAU or EGY")
    fields["nationality"] = nationality
    gender = row.get("gender", "").upper()
    if gender not in Gender.values:
        reasons.append("gender must be M or F")
    fields["gender"] = gender
    fields["mobile"] = ""
    if row.get("mobile"):
        try:
            fields["mobile"] = parse_saudi_mobile(row["mobile"])
        except ValidationError:
            reasons.append("mobile is not a Saudi mobile number (05XXXXXXXX or +9665XXXXXXXX)")
    fields["disability_exemption"] = _flag(row, "disability_exemption", reasons)
    fields["unpaid_traffic_violations"] = _flag(row, "unpaid_traffic_violations", reasons)
    if reasons:
        raise RowError(reasons)
    return fields


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the rows, each row with the physical line it starts on."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise CommandError(f"{path}: not UTF-8 (byte {error.start})") from None
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror}") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    header: list[str] | None = None
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise CommandError(f"line {start}: {error}") from None
        if not any(value.strip() for value in values):
            continue  # blank line
        if header is None:
            header = [name.strip().lower() for name in values]
        else:
            rows.append((start, values))
    if header is None:
        raise CommandError(f"{path}: the file is empty; the first line must be the header")
    return header, rows


def check_header(header: list[str]) -> None:
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    unknown = [name for name in header if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if "birth_date" not in header and "birth_date_hijri" not in header:
        problems.append("needs a birth_date or a birth_date_hijri column")
    if problems:
        raise CommandError("line 1: " + "; ".join(problems))


class Command(BaseCommand):
    help = (
        "Create or update people in the local identity registry from a UTF-8 CSV file "
        "(columns: docs/registry-csv.md). Bad rows are reported and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV file with a header row.")

    @no_translations  # one language for the whole report (the summary line is English)
    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        header, rows = read_csv(file)
        check_header(header)
        people: list[tuple[int, dict[str, Any]]] = []
        problems: list[tuple[int, str]] = []
        for line, values in rows:
            try:
                if len(values) != len(header):
                    raise RowError([f"expected {len(header)} fields, found {len(values)}"])
                people.append(
                    (
                        line,
                        parse_row(
                            {
                                name: value.strip()
                                for name, value in zip(header, values, strict=True)
                            }
                        ),
                    )
                )
            except RowError as error:
                problems.append((line, str(error)))
        result = registry_import(people=people, source=file.name, skipped=len(problems))
        for line, reason in sorted([*problems, *result.refused]):
            self.stderr.write(f"line {line}: {reason}")
        skipped = len(problems) + len(result.refused)
        self.stdout.write(f"Imported {result.imported} rows, skipped {skipped}.")
        if skipped and not result.imported:
            raise CommandError("No row was imported.")
