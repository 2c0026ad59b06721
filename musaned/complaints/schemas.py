"""What the complaints part of the REST API sends and receives (the routes: ``api.py``)."""

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
    subject: OneLineText = Field(..., min_length=1, max_length=150)
    description: MultiLineText = Field(..., min_length=1, max_length=5000)
    contact_preference: ContactPreference = Field(..., description="How to contact you.")


class ReplyIn(Schema):
    message: MultiLineText = Field(..., min_length=1, max_length=5000)


class ComplaintSummaryOut(Schema):
    number: str
    category: str
    category_label: str
    state: str
    state_label: str
    visa: str | None = Field(..., description="The related visa request number.")
    subject: str
    created_at: dt.datetime
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
