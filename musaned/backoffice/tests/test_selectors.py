"""The back office's reads take the staff member and filter in the query: someone
without the permission a read needs gets no rows, whatever page asked."""

import pytest
from django.http import Http404
from django.utils import timezone

from musaned.accounts.tests.factories import StaffFactory
from musaned.backoffice import selectors

pytestmark = pytest.mark.django_db


def test_complaints_are_read_only_by_staff_who_handle_them(officer, reviewer, citizen, complaint):
    everything = selectors.QueueFilters()
    now = timezone.now()
    attachment = complaint.attachments.get()
    assert list(selectors.complaint_queue(actor=officer, tab="all", filters=everything, now=now))
    for nobody in (reviewer, citizen, StaffFactory(username="clerk")):
        assert not selectors.complaint_queue(actor=nobody, tab="all", filters=everything, now=now)
        assert selectors.queue_counts(actor=nobody, tabs=["new"], now=now) == {"new": 0}
        with pytest.raises(Http404):
            selectors.complaint_or_404(actor=nobody, number=complaint.number)
        assert selectors.complaint_timeline(actor=nobody, complaint=complaint) == []
        assert selectors.complaint_conversation(actor=nobody, complaint=complaint) == []
        with pytest.raises(Http404):
            selectors.complaint_attachment_or_404(
                actor=nobody, complaint=complaint, pk=attachment.pk
            )


def test_submitted_visas_are_read_only_by_reviewers_and_supervisors(
    reviewer, supervisor, officer, in_review
):
    for allowed in (reviewer, supervisor):
        found = selectors.submitted_visa_or_404(actor=allowed, reference=in_review.reference)
        assert found == in_review
        assert list(selectors.quality_queue(actor=allowed)) == [in_review]
    with pytest.raises(Http404):
        selectors.submitted_visa_or_404(actor=officer, reference=in_review.reference)
    assert not selectors.quality_queue(actor=officer)


def test_audit_trails_are_read_only_by_supervisors(supervisor, officer, complaint):
    assert selectors.audit_trail(actor=supervisor, record=complaint).exists()
    assert not selectors.audit_trail(actor=officer, record=complaint).exists()


def test_the_mine_tab_is_the_actors_own_open_complaints(officer, other_officer, complaint):
    from musaned.complaints.workflow import Action
    from musaned.core.workflow import transition

    transition(obj=complaint, action=Action.TAKE, actor=officer)
    mine = selectors.QueueFilters()
    now = timezone.now()
    assert list(selectors.complaint_queue(actor=officer, tab="mine", filters=mine, now=now)) == [
        complaint
    ]
    assert not selectors.complaint_queue(actor=other_officer, tab="mine", filters=mine, now=now)
