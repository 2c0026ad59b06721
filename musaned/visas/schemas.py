"""What the visas part of the REST API sends and receives (the routes: ``api.py``).

The API's own pieces (the ``Error`` shape, the text types every client text is read
with) are in ``musaned/api/schemas.py``."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from musaned.api.schemas import OneLineText


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
    pay_url: str = Field(..., description="The provider's SADAD page while unpaid; else empty.")
    pay_urls: dict[str, str] = Field(
        ..., description="While unpaid, the provider's page for each way to pay (`card`, `sadad`)."
    )


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
