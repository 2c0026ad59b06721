"""What the recruitment part of the REST API sends and receives (the routes: ``api.py``;
docs/api.md, "Recruitment"). Every id is an opaque one (a UUID), never a database id."""

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from musaned.api.schemas import MultiLineText, OneLineText
from musaned.recruitment.models import (
    Language,
    MaritalStatus,
    Religion,
    RequestOfficeState,
)
from musaned.recruitment.workflow.contract import Action
from musaned.visas.models import WorkerGender

# A request body's photo, as base64: at most the body's 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE).
MAX_PHOTO_BASE64 = 2_500_000


class Stage(StrEnum):
    """The stages the office records, in the table's order (``workflow/contract.py``'s
    ``STAGE_ROWS``; a test checks they are the same)."""

    LINK_VISA = Action.LINK_VISA.value
    TRAVEL_DOCUMENTS = Action.TRAVEL_DOCUMENTS.value
    MEDICAL = Action.MEDICAL.value
    BOOK_TICKET = Action.BOOK_TICKET.value
    ARRIVE = Action.ARRIVE.value


class PhotoType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"


# --------------------------------------------------------------------------- shared


class NamedOut(Schema):
    code: str
    name: str


class LabelledOut(Schema):
    code: str
    label: str


class OfficeRefOut(Schema):
    id: str = Field(..., description="The office's opaque id (GET /offices/{id}).")
    name: str


class ReasonOut(Schema):
    rule: str
    title: str
    message: str


# --------------------------------------------------------------------------- requests


class RequestIn(Schema):
    occupation: OneLineText = Field(..., max_length=40, description="Occupation code (housemaid).")
    nationality: OneLineText = Field(..., max_length=3, description="Nationality code (PHL).")
    worker_gender: WorkerGender = Field(..., description="`M` or `F`.")
    offices: list[OneLineText] = Field(
        ...,
        min_length=1,
        max_length=10,
        description="The opaque ids of one to three offices (GET /offices?nationality=&occupation=).",
    )
    min_age: int | None = Field(None, ge=21, le=60, description="The youngest age wished.")
    max_age: int | None = Field(None, ge=21, le=60, description="The oldest age wished.")
    min_experience_years: int | None = Field(None, ge=0, le=40)
    languages: list[Language] = Field([], max_length=len(Language), description="ISO 639 codes.")
    religion: Religion | None = Field(None, description="Only if you want it.")


class RequestOfficeOut(Schema):
    office: OfficeRefOut
    state: str = Field(..., description="waiting, answered, declined, late or closed.")
    state_label: str
    due_at: dt.datetime | None = Field(..., description="The office answers by (UTC).")
    answered_at: dt.datetime | None
    decline_reason: str


class VisaRefOut(Schema):
    reference: str = Field(..., description="GET /visa-applications/{reference}.")
    state: str
    state_label: str


class RequestOut(Schema):
    id: str
    number: str
    state: str = Field(
        ...,
        description="awaiting_visa, sent, offered, accepted, declined, expired, rejected, cancelled.",
    )
    state_label: str
    occupation: NamedOut
    nationality: NamedOut
    worker_gender: str
    min_age: int | None
    max_age: int | None
    min_experience_years: int | None
    languages: list[LabelledOut]
    religion: str
    visa: VisaRefOut
    visa_is_new: bool = Field(..., description="The visa was made for this request (7 days).")
    created_at: dt.datetime
    sent_at: dt.datetime | None
    offers_due_at: dt.datetime | None
    decide_by: dt.datetime | None = Field(..., description="Choose an offer by (UTC).")
    closed_at: dt.datetime | None
    decline_reason: str
    rejection_reasons: list[ReasonOut]
    offers_received: int
    offices: list[RequestOfficeOut]


class RequestDetailOut(RequestOut):
    actions: list[str] = Field(..., description="What you may do now: cancel, accept, decline.")
    contract: str | None = Field(..., description="The contract's id, once an offer is accepted.")


class ReasonIn(Schema):
    reason: MultiLineText = Field(..., min_length=1, max_length=1000)


class OptionalReasonIn(Schema):
    reason: MultiLineText = Field("", max_length=1000)


# --------------------------------------------------------------------------- offers


class OfferOut(Schema):
    id: str
    state: str = Field(..., description="sent, accepted, declined, withdrawn, expired, released.")
    state_label: str
    office: OfficeRefOut
    full_name: str
    passport_number: str
    nationality: NamedOut
    date_of_birth: dt.date
    age: int = Field(..., description="Today, in years.")
    religion: LabelledOut
    marital_status: LabelledOut
    languages: list[LabelledOut]
    experience_years: int
    experience_kind: str
    skills: str
    monthly_salary: Decimal = Field(..., description="SAR.")
    price: Decimal = Field(..., description="Before VAT (SAR).")
    price_with_vat: Decimal
    days_to_arrival: int
    created_at: dt.datetime
    answered_at: dt.datetime | None


class PhotoIn(Schema):
    content_type: PhotoType
    data: str = Field(
        ..., min_length=1, max_length=MAX_PHOTO_BASE64, description="The picture, in base64."
    )


class OfferIn(Schema):
    full_name: OneLineText = Field(..., min_length=1, max_length=150)
    passport_number: OneLineText = Field(
        ..., min_length=1, max_length=30, description="5 to 20 letters and digits."
    )
    nationality: OneLineText = Field(..., max_length=3, description="The request's (PHL).")
    date_of_birth: dt.date = Field(..., description="21 to 60 years old today.")
    religion: Religion
    marital_status: MaritalStatus
    languages: list[Language] = Field(..., min_length=1, max_length=len(Language))
    experience_years: int = Field(..., ge=0, le=40)
    experience_kind: OneLineText = Field("", max_length=300)
    skills: OneLineText = Field("", max_length=500)
    monthly_salary: Decimal = Field(..., gt=0, max_digits=8, decimal_places=2)
    price: Decimal = Field(
        ..., gt=0, max_digits=10, decimal_places=2, description="Before VAT: at most your listed."
    )
    days_to_arrival: int = Field(..., ge=1, le=365)
    photo: PhotoIn = Field(..., description="A JPEG or PNG, checked like every upload.")


# --------------------------------------------------------------------------- the office's side


class IncomingOut(Schema):
    id: str = Field(..., description="The id of the request as your office received it.")
    number: str = Field(..., description="The request's number.")
    state: str = Field(..., description="Your office's: waiting, answered, declined, late, closed.")
    state_label: str
    request_state: str
    request_state_label: str
    occupation: NamedOut
    nationality: NamedOut
    worker_gender: str
    min_age: int | None
    max_age: int | None
    min_experience_years: int | None
    languages: list[LabelledOut]
    religion: str
    visa_is_new: bool
    due_at: dt.datetime | None = Field(..., description="Answer by (UTC).")
    answered_at: dt.datetime | None
    decline_reason: str


class IncomingDetailOut(IncomingOut):
    taking_offers: bool = Field(..., description="Your office may send offers now.")
    actions: list[str] = Field(..., description="What your office may do now: decline.")
    offers: list[OfferOut] = Field(..., description="Your office's offers on it.")


class IncomingState(StrEnum):
    WAITING = RequestOfficeState.WAITING.value
    ANSWERED = RequestOfficeState.ANSWERED.value
    DECLINED = RequestOfficeState.DECLINED.value
    LATE = RequestOfficeState.LATE.value
    CLOSED = RequestOfficeState.CLOSED.value


class StageIn(Schema):
    stage: Stage = Field(
        ..., description="link_visa, travel_documents, medical, book_ticket, arrive."
    )
    number: OneLineText = Field(
        "", max_length=40, description="The visa number, or the document's number."
    )
    flight_number: OneLineText = Field("", max_length=10)
    flight_date: dt.date | None = None
    arrival_date: dt.date | None = None
    arrival_point: OneLineText | None = Field(None, max_length=3, description="IATA code (RUH).")


# --------------------------------------------------------------------------- contracts


class BillOut(Schema):
    number: str
    amount: Decimal
    state: str
    due_at: dt.datetime
    pay_url: str = Field(..., description="The provider's SADAD page while unpaid; else empty.")
    pay_urls: dict[str, str] = Field(
        ..., description="While unpaid, the provider's page for each way to pay (`card`, `sadad`)."
    )


class SignatureOut(Schema):
    role: str = Field(..., description="beneficiary or office.")
    role_label: str
    signed_at: dt.datetime
    document_hash: str


class StageOut(Schema):
    stage: str
    label: str
    recorded_at: dt.datetime
    number: str
    document: bool = Field(..., description="A document was attached (on the website).")
    flight_number: str
    flight_date: dt.date | None
    arrival_date: dt.date | None
    arrival_point: NamedOut | None


class ContractOut(Schema):
    id: str
    number: str
    request: str = Field(..., description="The request's number.")
    state: str
    state_label: str
    clock: str = Field(..., description="not_started, running, extension, overdue, stopped.")
    clock_label: str
    beneficiary_name: str
    office: OfficeRefOut
    worker_name: str
    passport_number: str
    worker_nationality: NamedOut
    occupation: NamedOut
    monthly_salary: Decimal
    price: Decimal = Field(..., description="Before VAT (SAR).")
    vat_rate: Decimal
    vat: Decimal
    total: Decimal
    terms_version: str
    document_hash: str = Field(..., description="SHA-256 of the contract's document.")
    respond_by: dt.datetime = Field(..., description="Signed and paid by (UTC).")
    signed_at: dt.datetime | None
    paid_at: dt.datetime | None
    delivery_due_on: dt.date | None = Field(..., description="The worker due by (day 89).")
    extension_ends_on: dt.date | None = Field(..., description="The extension's last day.")
    arrived_on: dt.date | None
    arrival_point: NamedOut | None
    trial_ends_on: dt.date | None = Field(..., description="The trial's last day.")
    closed_at: dt.datetime | None
    rating: int | None
    created_at: dt.datetime


class ContractDetailOut(ContractOut):
    day_of_clock: int | None = Field(..., description="Days since payment (day 0).")
    day_of_trial: int | None = Field(..., description="Days since arrival (day 0).")
    signatures: list[SignatureOut]
    stages: list[StageOut]
    bill: BillOut | None
    actions: list[str] = Field(..., description="What you may do now (see docs/api.md).")


class EntryOut(Schema):
    posting: str
    account: str
    account_label: str
    kind: str
    kind_label: str
    amount: Decimal = Field(..., description="SAR, signed: into the account is positive.")
    memo: str
    memo_label: str
    created_at: dt.datetime


class StatementOut(Schema):
    contract: str
    number: str
    balanced: bool = Field(..., description="Every entry sums to zero.")
    paid: Decimal
    held: Decimal
    released: Decimal
    owed_back: Decimal = Field(..., description="Refunds and compensation to the beneficiary.")
    charged_to_guarantee: Decimal
    balances: dict[str, Decimal]
    entries: list[EntryOut]


class DocumentOut(Schema):
    contract: str
    number: str
    document_hash: str = Field(
        ..., description="SHA-256 of the document's canonical JSON (keys sorted, no spaces, UTF-8)."
    )
    document: dict[str, Any] = Field(
        ..., description="What was agreed, in both languages: what both signatures hold."
    )


class CodeSentOut(Schema):
    sent_to: str = Field(..., description="The mobile the SMS went to, masked.")
    expires_at: dt.datetime


class SignIn(Schema):
    code: OneLineText = Field(..., min_length=1, max_length=12, description="The SMS's 6 digits.")


class RatingIn(Schema):
    rating: int = Field(..., ge=1, le=5)
