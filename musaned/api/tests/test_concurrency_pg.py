"""One Idempotency-Key sent by several clients at once (a retry racing the original),
on PostgreSQL with real threads (SQLite ignores ``select_for_update``)."""

import threading

import pytest
from django.db import connection

from musaned.api.models import IdempotencyRecord
from musaned.api.tests.conftest import Api
from musaned.api.tests.test_api import DRAFT
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.conftest import complete_draft

THREADS = 6

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


def race(send) -> tuple[list, list]:
    barrier = threading.Barrier(THREADS)
    answers, errors = [], []

    def run():
        try:
            barrier.wait()
            response = send()
            answers.append((response.status_code, response.json()))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers, errors


def test_concurrent_creates_with_one_key_make_one_draft(postgresql, citizen, token_for):
    raw = token_for(citizen)
    answers, errors = race(lambda: Api(raw).post("/visa-applications", DRAFT, key="same"))
    assert errors == []
    assert len(answers) == THREADS
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 201
    assert VisaApplication.objects.filter(owner=citizen).count() == 1
    assert IdempotencyRecord.objects.filter(user=citizen).count() == 1


def test_concurrent_submits_with_one_key_make_one_bill(postgresql, citizen, token_for):
    from musaned.payments.models import Bill

    draft = complete_draft(citizen)
    raw = token_for(citizen)
    answers, errors = race(
        lambda: Api(raw).post(f"/visa-applications/{draft.reference}/submit", key="submit")
    )
    assert errors == []
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 200 and answers[0][1]["state"] == VisaState.AWAITING_PAYMENT
    assert Bill.objects.filter(subject_id=str(draft.pk)).count() == 1
