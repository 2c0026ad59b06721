"""Every lock a visa takes comes from ``core/locks.py`` and in its documented order (the
owner, the application, its bill), so two transactions never wait for each other in a
circle. In particular the payment callback locks the application before the bill, as a
cancellation (application, then its bill's refund) does."""

import datetime as dt

import pytest

from musaned.core import locks
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.visas import services
from musaned.visas.tests.factories import complete_draft, traffic_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def locked(monkeypatch):
    """The rows locked, in the order each was first locked, as (model label, pk)."""
    order: list[tuple[str, str]] = []

    def note(model, pk) -> None:
        if model._meta.label_lower == "notifications.notification":
            return  # the send task's own transaction, after commit (test settings run it there)
        key = (model._meta.label_lower, str(pk))
        if key not in order:
            order.append(key)

    real_lock, real_lock_pk, real_lock_where = locks.lock, locks.lock_pk, locks.lock_where

    def lock(obj):
        note(type(obj), obj.pk)
        return real_lock(obj)

    def lock_pk(model, pk):
        note(model, pk)
        return real_lock_pk(model, pk)

    def lock_where(queryset, **kwargs):
        row = real_lock_where(queryset, **kwargs)
        if row is not None:
            note(type(row), row.pk)
        return row

    monkeypatch.setattr(locks, "lock", lock)
    monkeypatch.setattr(locks, "lock_pk", lock_pk)
    monkeypatch.setattr(locks, "lock_where", lock_where)
    return order


def in_documented_order(order) -> bool:
    ranks = [locks.ORDER.index(label) for label, _pk in order]
    return ranks == sorted(ranks)


def test_the_payment_callback_locks_the_application_before_the_bill(citizen, locked):
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    bill = bill_for(application)
    locked.clear()
    pay(bill)
    assert locked[:2] == [
        ("visas.visaapplication", str(application.pk)),
        ("payments.bill", str(bill.pk)),
    ]
    assert in_documented_order(locked)


def test_submit_and_cancel_lock_in_the_documented_order(citizen, locked):
    locked.clear()
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    assert locked[0] == ("accounts.user", str(citizen.pk))
    assert in_documented_order(locked)
    pay(bill_for(application))
    locked.clear()
    services.visa_cancel(application=application, actor=citizen)
    assert [label for label, _pk in locked] == ["visas.visaapplication", "payments.bill"]


def test_the_expiry_jobs_lock_the_application_before_the_bill(citizen, locked):
    from musaned.payments.services import bills_expire

    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    bill = bill_for(application)
    locked.clear()
    assert bills_expire(now=bill.due_at) == 0  # not due yet: nothing locked
    assert locked == []
    assert bills_expire(now=bill.due_at + dt.timedelta(seconds=1)) == 1
    assert [label for label, _pk in locked] == ["visas.visaapplication", "payments.bill"]


def test_a_recheck_locks_the_owner_before_the_application(citizen, locked):
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    traffic_violations(citizen, unpaid=True)
    pay(bill_for(application))  # rejected by the rules
    traffic_violations(citizen, unpaid=False)
    locked.clear()
    application = services.visa_application_recheck(application=application, actor=citizen)
    assert application.state == "issued"
    assert [label for label, _pk in locked] == ["accounts.user", "visas.visaapplication"]
