"""What the API sends and receives."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, Header, NinjaAPI, Schema
from pydantic import BeforeValidator

from musaned.api.errors import LENGTH_ERRORS, input_length
from musaned.core.text import clean_text


def _one_line(value):
    return clean_text(value) if isinstance(value, str) else value


def _multi_line(value):
    return clean_text(value, multiline=True) if isinstance(value, str) else value


# Text fields as the forms read them (musaned.core.text): control and bidi-override
# characters are taken out before the length and the other checks, so the limits count
# what is kept. Use these for every text a client sends.
OneLineText = Annotated[str, BeforeValidator(_one_line)]
MultiLineText = Annotated[str, BeforeValidator(_multi_line)]


class Error(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class InquiryIn(Schema):
    issued_number: OneLineText = Field(
        ..., max_length=20, description="The issued number (رقم الصادر)."
    )
    national_id: OneLineText = Field(
        ..., max_length=20, description="The sponsor's ID or iqama number."
    )


class VisaCardOut(Schema):
    visa_number: str
    issued_number: str
    status: str
    status_label: str
    sponsor: str
    occupation: str
    nationality: str
    worker_gender: str
    arrival_point: str
    issued_on: dt.date | None
    expires_on: dt.date | None


class BillOut(Schema):
    number: str
    amount: Decimal
    state: str
    due_at: dt.datetime
    pay_url: str


class ApplicationOut(Schema):
    reference: str
    state: str
    state_label: str
    occupation: str | None
    nationality: str | None
    worker_gender: str
    arrival_point: str | None
    proof_type: str
    monthly_salary: Decimal | None
    bank_balance: Decimal | None
    fee: Decimal | None
    submitted_at: dt.datetime | None
    fix_by: dt.date | None
    visa_number: str | None
    issued_number: str | None
    issued_on: dt.date | None
    expires_on: dt.date | None
    bill: BillOut | None


class ApplicationIn(Schema):
    occupation: OneLineText = Field(
        ..., max_length=40, description="Occupation code, e.g. housemaid."
    )
    nationality: OneLineText = Field(
        ..., max_length=3, description="Worker nationality, ISO alpha-3."
    )
    worker_gender: str = Field(..., pattern="^[MF]$")
    arrival_point: OneLineText = Field(
        ..., max_length=3, description="Airport IATA code, e.g. RUH."
    )
    proof_type: str = Field(..., pattern="^(salary|bank)$")
    monthly_salary: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    bank_balance: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)


class VerdictOut(Schema):
    rule: str
    status: str
    title: str
    message: str
    advice: str


# --- The API object ---------------------------------------------------------------------

# Headers the operations that declare them refuse to run without (each answers its own
# 400 with a code, so Ninja is told they are optional): name -> most characters.
REQUIRED_HEADERS: dict[str, int] = {}


def required_header(alias: str, *, description: str, max_length: int):
    """A request header the operation requires and checks itself. Declare it only on
    operations that refuse a request without it: the OpenAPI document says required."""
    REQUIRED_HEADERS[alias] = max_length
    return Header(None, alias=alias, description=description)


class Api(NinjaAPI):
    """Ninja's API object, with what Ninja leaves out put back.

    - The OpenAPI document marks the headers of ``REQUIRED_HEADERS`` required (1 to
      their most characters), as the operations enforce them.
    - A validation error keeps the length of the value it is about (``length``), so the
      message can say how long it was; Ninja drops the value itself (``input``).
    """

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                for parameter in operation.get("parameters", []):
                    limit = REQUIRED_HEADERS.get(parameter["name"])
                    if parameter.get("in") != "header" or limit is None:
                        continue
                    parameter["required"] = True
                    parameter["schema"] = {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": limit,
                        "title": parameter["name"],
                        **({"description": d} if (d := parameter.get("description")) else {}),
                    }
        return schema

    def validation_error_from_error_contexts(self, error_contexts):
        error = super().validation_error_from_error_contexts(error_contexts)
        originals = [
            item
            for context in error_contexts
            for item in context.pydantic_validation_error.errors(include_url=False)
        ]
        # Ninja builds its list from the same errors, in the same order. Never strict:
        # a mismatch must not turn a 422 into a 500.
        for item, original in zip(error.errors, originals, strict=False):
            if item.get("type") in LENGTH_ERRORS and "input" in original:
                length = input_length(original["input"])
                if length is not None:
                    item["length"] = length
        return error
