"""What the OpenAPI document promises (the headers the server requires) and what a
length error says (the real length of what was sent, as it was checked)."""

import json

import pytest

from musaned.api.errors import field_message
from musaned.api.schemas import REQUIRED_HEADERS
from musaned.complaints.tests.factories import COMPLAINT
from musaned.visas.tests.factories import DRAFT

pytestmark = pytest.mark.django_db(transaction=True)

WRITES = {
    ("post", "/api/v1/visa-applications"),
    ("post", "/api/v1/visa-applications/{reference}/submit"),
    ("post", "/api/v1/complaints"),
    ("post", "/api/v1/complaints/{number}/replies"),
    ("post", "/api/v1/complaints/{number}/accept-answer"),
    ("post", "/api/v1/complaints/{number}/ask-ministry"),
    ("post", "/api/v1/office/complaints/{number}/answer"),
    ("post", "/api/v1/office/prices"),  # musaned/offices
    ("put", "/api/v1/office/prices/{price_id}"),
    ("delete", "/api/v1/office/prices/{price_id}"),
}


def test_the_schema_marks_the_idempotency_key_required_where_the_server_requires_it(api):
    schema = api().get("/openapi.json").json()
    required, optional = set(), set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "Idempotency-Key":
                    assert parameter["in"] == "header"
                    (required if parameter["required"] else optional).add((method, path))
                    assert parameter["schema"]["type"] == "string"
                    assert parameter["schema"]["maxLength"] == 100
    assert required == WRITES and not optional
    assert REQUIRED_HEADERS == {"Idempotency-Key": 100}


@pytest.mark.parametrize(("method", "path"), sorted(WRITES))
def test_each_write_refuses_a_request_without_the_key(citizen, api, token_for, method, path):
    """What the schema says required is required: 400, not run (and not a 422)."""
    path = path.removeprefix("/api/v1").format(
        reference="1234567890", number="712345678901", price_id="1"
    )
    body = {
        "/visa-applications": DRAFT,
        "/complaints": COMPLAINT,
        "/complaints/712345678901/replies": {"message": "Here it is."},
        "/office/complaints/712345678901/answer": {"message": "We refunded it."},
        "/office/prices": {
            "nationality": "PHL",
            "occupation": "housemaid",
            "amount": "9000",
            "days_to_arrival": 60,
        },
        "/office/prices/1": {"amount": "9000", "days_to_arrival": 60},
    }.get(path, {})
    client = api(token_for(citizen))
    if method == "post":
        response = client.post(path, body)
    else:
        response = client.client.generic(
            method.upper(),
            f"/api/v1{path}",
            json.dumps(body),
            content_type="application/json",
            **client.headers,
        )
    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_required")


def test_a_too_long_subject_is_told_its_real_length(citizen, api, token_for):
    client = api(token_for(citizen))
    too_long = client.post("/complaints", {**COMPLAINT, "subject": "a" * 151}, key="long")
    assert too_long.status_code == 422
    assert too_long.json()["fields"]["subject"] == [
        "Ensure this value has at most 150 characters (it has 151)."
    ]
    # Control characters are not counted: they are taken out before the check.
    padded = client.post(
        "/complaints", {**COMPLAINT, "subject": "\x01\u202e" * 10 + "b" * 160}, key="padded"
    )
    assert padded.json()["fields"]["subject"] == [
        "Ensure this value has at most 150 characters (it has 160)."
    ]
    arabic = api(token_for(citizen), language="ar").post(
        "/complaints", {**COMPLAINT, "subject": "ش" * 200}, key="arabic"
    )
    assert arabic.json()["fields"]["subject"] == [
        "تأكد أن هذه القيمة لا تتجاوز 150 حرفًا (طولها 200)."
    ]


def test_an_inquiry_number_too_long_is_told_its_length(api):
    response = api().post("/visa-inquiry", {"issued_number": "1" * 25, "national_id": "1"})
    assert response.status_code == 422
    assert response.json()["fields"]["issued_number"] == [
        "Ensure this value has at most 20 characters (it has 25)."
    ]


def test_a_list_too_long_counts_its_items_and_an_unknown_length_is_not_invented():
    from django.utils import translation

    with translation.override("en"):
        listed = field_message(
            {"type": "too_long", "ctx": {"max_length": 2, "actual_length": 5}, "length": 99}
        )
        unknown = field_message({"type": "string_too_long", "ctx": {"max_length": 3}})
        short = field_message({"type": "string_too_short", "ctx": {"min_length": 4}, "length": 2})
        empty = field_message({"type": "string_too_short", "ctx": {"min_length": 1}, "length": 0})
    assert listed == "Ensure this value has at most 2 characters (it has 5)."
    assert unknown == "Ensure this value has at most 3 characters."
    assert short == "Ensure this value has at least 4 characters (it has 2)."
    assert empty == "This field is required."
