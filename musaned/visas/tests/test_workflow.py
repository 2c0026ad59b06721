"""The whole transition table: allowed pairs move and audit; every other pair is a 409 and changes nothing."""

import itertools

import pytest
from django.db import transaction

from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.visas import services
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.workflow import TERMINAL_STATES, TRANSITIONS, Action, Actor

pytestmark = pytest.mark.django_db

ALL_PAIRS = list(itertools.product(VisaState, Action))


def _at(application, state):
    # Numbers too: the database refuses an issued visa without them.
    VisaApplication.objects.filter(pk=application.pk).update(
        state=state,
        visa_number=f"9{application.reference[1:]}",
        issued_number=f"4{application.reference[1:]}",
    )
    application.refresh_from_db()
    return application


def _audits(application):
    return AuditEvent.objects.filter(
        target_type="visas.visaapplication", target_id=str(application.pk)
    )


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS, ids=lambda x: str(x))
def test_every_state_and_action_pair(citizen, state, action):
    application = _at(services.visa_application_create(owner=citizen), state)
    before = _audits(application).count()
    allowed = TRANSITIONS.get((state, action))
    kinds = [allowed[1]] if allowed else list(Actor)
    for kind in kinds:
        with transaction.atomic():
            locked = VisaApplication.objects.select_for_update().get(pk=application.pk)
            if allowed:
                services.transition(
                    application=locked, action=action, actor=citizen, actor_kind=kind
                )
            else:
                with pytest.raises(InvalidTransition) as error:
                    services.transition(
                        application=locked, action=action, actor=citizen, actor_kind=kind
                    )
                assert error.value.status == 409
    application.refresh_from_db()
    if allowed:
        assert application.state == allowed[0]
        assert _audits(application).count() == before + 1
        event = _audits(application).first()
        assert (event.data["old"], event.data["new"]) == (state, allowed[0])
    else:
        assert application.state == state
        assert _audits(application).count() == before


@pytest.mark.parametrize(("state", "action"), list(TRANSITIONS), ids=lambda x: str(x))
def test_the_wrong_kind_of_actor_cannot_move_an_application(citizen, state, action):
    application = _at(services.visa_application_create(owner=citizen), state)
    right = TRANSITIONS[(state, action)][1]
    for kind in set(Actor) - {right}:
        with transaction.atomic(), pytest.raises(InvalidTransition):
            services.transition(
                application=application, action=action, actor=citizen, actor_kind=kind
            )
    application.refresh_from_db()
    assert application.state == state


def test_cancelled_expired_and_withdrawn_are_final():
    assert {VisaState.CANCELLED, VisaState.EXPIRED, VisaState.WITHDRAWN} == TERMINAL_STATES
