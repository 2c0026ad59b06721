"""Applying, paying, the automatic decision, re-check, cancellation with refund."""

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
import time_machine
from django.utils import timezone, translation

from musaned.accounts.tests.factories import StaffFactory
from musaned.core.errors import InvalidTransition
from musaned.core.models import AuditEvent
from musaned.notifications import sms
from musaned.notifications.models import Notification
from musaned.payments.models import PaymentEvent
from musaned.payments.selectors import bill_for
from musaned.payments.tests.fakes import pay
from musaned.visas import services
from musaned.visas.errors import VisaError
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.presenters import timeline_for
from musaned.visas.tests.factories import (
    complete_draft,
    issued_visa,
    submitted,
    traffic_violations,
)
from musaned.visas.workflow import MACHINE

pytestmark = pytest.mark.django_db(transaction=True)


def test_eligible_citizen_pays_and_the_visa_is_issued_at_once(citizen):
    application = submitted(citizen)
    assert application.state == VisaState.AWAITING_PAYMENT
    bill = bill_for(application)
    assert bill.amount == Decimal("2000") and bill.state == "unpaid"
    pay(bill)
    application.refresh_from_db()
    assert application.state == VisaState.ISSUED
    assert application.visa_number and application.issued_number
    assert application.visa_number != application.issued_number
    assert application.expires_on.year == application.issued_on.year + 2
    assert application.verification_token
    assert any(application.visa_number in m.body for m in sms.outbox)  # told by SMS


def test_numbers_are_not_sequential(citizen, exempt):
    first = services.visa_application_create(owner=citizen).reference
    second = services.visa_application_create(owner=exempt).reference
    assert abs(int(first) - int(second)) > 1


def test_exempt_applicant_pays_nothing_and_gets_the_decision_on_submit(exempt):
    application = submitted(exempt)
    assert application.state == VisaState.ISSUED
    assert application.fee == Decimal("0")
    assert bill_for(application) is None


def test_a_failing_rule_stops_submission_and_no_bill_is_made(violator):
    draft = complete_draft(violator)
    with pytest.raises(VisaError):
        services.visa_application_submit(application=draft, actor=violator)
    draft.refresh_from_db()
    assert draft.state == VisaState.DRAFT
    assert bill_for(draft) is None


def test_document_occupation_goes_to_quality_check_and_a_reviewer_decides(
    citizen, django_user_model
):
    from django.contrib.auth.models import Permission

    application = submitted(citizen, occupation="home-nurse")
    pay(bill_for(application))
    application.refresh_from_db()
    assert application.state == VisaState.IN_REVIEW
    reviewer = StaffFactory(username="reviewer")
    with pytest.raises(VisaError):
        services.visa_application_review(application=application, actor=reviewer, approve=True)
    reviewer.user_permissions.add(Permission.objects.get(codename="decide_visaapplication"))
    reviewer = django_user_model.objects.get(pk=reviewer.pk)
    application = services.visa_application_review(
        application=application, actor=reviewer, approve=True
    )
    assert application.state == VisaState.ISSUED


def test_rejection_can_be_fixed_and_rechecked_without_paying_again(citizen):
    application = submitted(citizen)
    bill = bill_for(application)
    # The traffic system reports a violation after submission: the decision rejects.
    traffic_violations(citizen, unpaid=True)
    pay(bill)
    application.refresh_from_db()
    assert application.state == VisaState.REJECTED
    assert application.fix_by == timezone.localdate() + dt.timedelta(days=4)
    traffic_violations(citizen, unpaid=False)
    application = services.visa_application_recheck(application=application, actor=citizen)
    assert application.state == VisaState.ISSUED
    assert bill_for(application).number == bill.number  # no new bill


def test_recheck_after_the_fix_window_is_refused(citizen):
    application = submitted(citizen)
    traffic_violations(citizen, unpaid=True)
    pay(bill_for(application))
    application.refresh_from_db()
    with (
        time_machine.travel(
            dt.datetime.combine(application.fix_by, dt.time(12), dt.UTC) + dt.timedelta(days=1)
        ),
        pytest.raises(VisaError),
    ):
        services.visa_application_recheck(application=application, actor=citizen)
    application.refresh_from_db()
    assert application.state == VisaState.REJECTED


def test_cancelling_an_issued_visa_refunds_the_fee_and_cannot_be_undone(citizen):
    application = issued_visa(citizen)
    application = services.visa_cancel(application=application, actor=citizen)
    assert application.state == VisaState.CANCELLED
    assert bill_for(application).state == "refunded"
    assert AuditEvent.objects.filter(action="bill.refunded").exists()
    labels = [str(entry.label) for entry in timeline_for(application)]
    assert labels[-2:] == [str(MACHINE.labels["visa.cancel"]), str(MACHINE.labels["bill.refunded"])]
    with pytest.raises(InvalidTransition):
        services.visa_cancel(application=application, actor=citizen)


def test_a_failure_between_paid_and_issued_leaves_neither_half(citizen):
    application = submitted(citizen)
    bill = bill_for(application)
    audits, notices = AuditEvent.objects.count(), Notification.objects.count()
    # The issue row's give_numbers effect fails after pay and the decision have run.
    crash = mock.patch("musaned.visas.effects.unique_number", side_effect=RuntimeError("crash"))
    with crash, pytest.raises(RuntimeError):
        pay(bill)
    application.refresh_from_db()
    bill.refresh_from_db()
    assert application.state == VisaState.AWAITING_PAYMENT
    assert bill.state == "unpaid"
    assert application.visa_number is None and application.verdicts == []
    # Nothing of either half is kept: no audit row, no notice in the outbox, no payment.
    assert AuditEvent.objects.count() == audits
    assert Notification.objects.count() == notices
    assert not PaymentEvent.objects.exists()
    pay(bill)  # the provider retries: now it goes through
    application.refresh_from_db()
    assert application.state == VisaState.ISSUED


def test_expiry_job_expires_issued_visas_once(citizen):
    application = issued_visa(citizen)
    later = application.expires_on + dt.timedelta(days=1)
    assert services.visas_expire(today=later) == 1
    assert services.visas_expire(today=later) == 0
    assert VisaApplication.objects.get(pk=application.pk).state == VisaState.EXPIRED


def test_a_rejected_request_shows_the_failing_rule_and_how_to_fix_it(citizen, client):
    application = submitted(citizen)
    traffic_violations(citizen, unpaid=True)
    pay(bill_for(application))
    client.force_login(citizen)
    page = client.get(f"/en/visas/{application.reference}/").text
    assert 'class="verdict verdict--fail"' in page
    assert "You have unpaid traffic violations." in page
    assert f'action="/en/visas/{application.reference}/recheck/"' in page


def test_the_owners_timeline_has_the_rows_lines_and_not_what_staff_did_for_themselves(citizen):
    from django.db import transaction

    from musaned.core.audit import audit
    from musaned.visas.workflow import MACHINE

    application = issued_visa(citizen)
    staff = StaffFactory(username="clerk")
    with transaction.atomic():
        audit("backoffice.visa_viewed", actor=staff, target=application)
    entries = timeline_for(application)
    assert [entry.action for entry in entries] == [
        "visa.created",  # the draft's edits are left out
        "visa.submit",
        "visa.pay",
        "visa.issue",
    ]
    assert [entry.label for entry in entries] == [
        str(MACHINE.owner_labels[entry.action]) for entry in entries
    ]
    with translation.override("en"):  # whatever language an earlier test left active
        assert [str(entry.by) for entry in entries] == [
            "You",
            "You",
            "Musaned (automatic)",
            "Musaned (automatic)",
        ]
    assert entries[1].detail == bill_for(application).number


def test_a_visa_past_its_expiry_date_offers_no_cancel_and_says_why(citizen, client):
    """The expiry job has not run yet: the cancel row's guard refuses, so no button."""
    application = issued_visa(citizen)
    VisaApplication.objects.filter(pk=application.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    client.force_login(citizen)
    page = client.get(f"/en/visas/{application.reference}/").text
    assert f"/en/visas/{application.reference}/e-visa.pdf" in page
    assert f"/en/visas/{application.reference}/cancel/" not in page
    refused = client.get(f"/en/visas/{application.reference}/cancel/", follow=True)
    assert refused.redirect_chain[-1][0] == f"/en/visas/{application.reference}/"
    assert "This visa has expired." in refused.text
    assert VisaApplication.objects.get(pk=application.pk).state == VisaState.ISSUED
