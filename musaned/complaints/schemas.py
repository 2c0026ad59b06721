"""What the complaints part of the REST API sends and receives (the routes: ``api.py``):
the owner's complaints, and the complaints about an office as the office's people read
them (``Office…`` below)."""

import datetime as dt

from ninja import Field, Schema

from musaned.api.schemas import MultiLineText, OneLineText
from musaned.complaints.models import Category, ContactPreference


class ComplaintIn(Schema):
    category: Category = Field(..., description="What it is about.")
    visa: OneLineText | None = Field(
        None,
        max_length=12,
        description="The request number of one of your own visa requests it is about, if any.",
    )
    office: OneLineText | None = Field(
        None,
        max_length=36,
        description=(
            "The recruitment office it is about: its `id` in `GET /offices` (any office of"
            " the register, whatever its state). Required when `category` is `office`;"
            " ignored otherwise."
        ),
    )
    subject: OneLineText = Field(..., min_length=1, max_length=150)
    description: MultiLineText = Field(..., min_length=1, max_length=5000)
    contact_preference: ContactPreference = Field(..., description="How to contact you.")


class ReplyIn(Schema):
    message: MultiLineText = Field(..., min_length=1, max_length=5000)


class AskMinistryIn(Schema):
    message: MultiLineText | None = Field(
        None, max_length=5000, description="Why the office's answer is not enough (optional)."
    )


class OfficeAnswerIn(Schema):
    message: MultiLineText = Field(
        ...,
        min_length=1,
        max_length=5000,
        description="The office's answer to the beneficiary: what it did or will do, by when.",
    )


class OfficeNameOut(Schema):
    id: str = Field(..., description="The office's opaque id (`GET /offices/{id}`).")
    name: str = Field(..., description="In the language of `Accept-Language`.")


class ComplaintSummaryOut(Schema):
    number: str
    category: str
    category_label: str
    state: str
    state_label: str
    visa: str | None = Field(..., description="The related visa request number.")
    office: OfficeNameOut | None = Field(..., description="The recruitment office it is about.")
    subject: str
    created_at: dt.datetime
    office_answer_due: dt.datetime | None = Field(
        ..., description="While it is with the office: when the office's answer is due."
    )
    first_answer_due: dt.datetime
    resolution_due: dt.datetime
    rating: int | None


class MessageOut(Schema):
    id: int
    kind: str
    kind_label: str
    body: str
    from_staff: bool
    created_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    message_id: int | None = Field(..., description="The message it came with; null: the filing.")
    name: str
    content_type: str
    size: int = Field(..., description="Bytes.")
    url: str = Field(..., description="Its download page on the website (signed in there).")


class ComplaintOut(ComplaintSummaryOut):
    description: str
    contact_preference: str
    messages: list[MessageOut]
    attachments: list[AttachmentOut]


# --- As the office reads a complaint about it ----------------------------------------------


class OfficeComplaintSummaryOut(Schema):
    number: str
    state: str
    state_label: str = Field(
        ..., description="As the office reads it: the ministry's steps are one label."
    )
    subject: str
    created_at: dt.datetime
    office_answer_due: dt.datetime | None = Field(
        ..., description="While it waits for the office's answer: when it is due."
    )


class BeneficiaryOut(Schema):
    name: str = Field(..., description="The beneficiary's name, and nothing else of them.")


class OfficeAnswerOut(Schema):
    id: int
    body: str
    created_at: dt.datetime


class FiledAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int = Field(..., description="Bytes.")
    url: str = Field(..., description="Its download page in the office portal (signed in there).")


class OfficeComplaintOut(OfficeComplaintSummaryOut):
    description: str
    beneficiary: BeneficiaryOut
    answers: list[OfficeAnswerOut] = Field(..., description="The office's own answers only.")
    attachments: list[FiledAttachmentOut] = Field(
        ..., description="The files the beneficiary filed with the complaint."
    )
