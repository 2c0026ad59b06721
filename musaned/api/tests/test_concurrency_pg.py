"""One Idempotency-Key sent by several clients at once (a retry racing the original),
on PostgreSQL with real threads (SQLite ignores ``select_for_update``)."""

import pytest

from musaned.api.models import IdempotencyRecord
from musaned.core.tests import threads
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.factories import DRAFT, complete_draft

THREADS = 6

pytestmark = pytest.mark.django_db(transaction=True)


def race(send) -> tuple[list, list]:
    """``send`` from THREADS threads at once; the answers as (status, JSON body)."""
    responses, errors = threads.race([send] * THREADS)
    return [(response.status_code, response.json()) for response in responses], errors


def test_concurrent_creates_with_one_key_make_one_draft(postgresql, citizen, api, token_for):
    raw = token_for(citizen)
    answers, errors = race(lambda: api(raw).post("/visa-applications", DRAFT, key="same"))
    assert errors == []
    assert len(answers) == THREADS
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 201
    assert VisaApplication.objects.filter(owner=citizen).count() == 1
    assert IdempotencyRecord.objects.filter(user=citizen).count() == 1


def test_concurrent_submits_with_one_key_make_one_bill(postgresql, citizen, api, token_for):
    from musaned.payments.models import Bill

    draft = complete_draft(citizen)
    raw = token_for(citizen)
    answers, errors = race(
        lambda: api(raw).post(f"/visa-applications/{draft.reference}/submit", key="submit")
    )
    assert errors == []
    assert all(answer == answers[0] for answer in answers)
    assert answers[0][0] == 200 and answers[0][1]["state"] == VisaState.AWAITING_PAYMENT
    assert Bill.objects.filter(subject_id=str(draft.pk)).count() == 1
