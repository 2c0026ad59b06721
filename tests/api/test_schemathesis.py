"""The API against its own OpenAPI description (schemathesis), with two users:
no server error, no answer outside the schema, and user A's objects are 404 to user B."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from musaned.visas import services
from musaned.visas.tests.factories import complete_draft

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The requests run in the test's own transaction, as Django's test client does it:
    the end of a request must not close the database connection under the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def users(catalogues, exempt, resident, token_for):
    """User A with a draft, a submitted request and an issued visa; user B with nothing."""
    a, b = exempt, resident  # A is fee exempt: issued on submit
    drafts = [complete_draft(a), complete_draft(a)]
    services.visa_application_submit(application=drafts[1], actor=a)
    return {
        "a": {"Authorization": f"Bearer {token_for(a, 'a')}"},
        "b": {"Authorization": f"Bearer {token_for(b, 'b')}"},
        "a_references": [d.reference for d in drafts],
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_its_schema(case, users):
    case.call_and_validate(headers=users["a"], checks=CHECKS)
    case.call_and_validate(headers=users["b"], checks=CHECKS)


@pytest.mark.django_db
def test_every_object_of_user_a_is_404_to_user_b(users):
    operations = [op.ok() for op in schema.get_all_operations() if "{reference}" in op.ok().path]
    assert operations, "no operation takes a reference"
    for operation in operations:
        for reference in users["a_references"]:
            case = operation.Case(path_parameters={"reference": reference})
            if operation.method.upper() == "POST":
                case.headers = {"Idempotency-Key": f"b-{reference}-{operation.path}"}
            for who, expected in (("b", 404), ("a", None)):
                response = case.call(headers=users[who])
                if expected:
                    assert response.status_code == expected, (operation.label, who, response.text)
                else:
                    assert response.status_code != 404, (operation.label, who)
    # Nor do user A's objects appear in user B's list.
    listing = schema["/api/v1/visa-applications"]["GET"].Case().call(headers=users["b"])
    assert listing.status_code == 200
    assert not {row["reference"] for row in listing.json()} & set(users["a_references"])
