"""Until the back office exists, a reviewer decides quality checks from the admin, through the service."""

import pytest

from musaned.accounts.tests.factories import StaffFactory
from musaned.visas import services
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.factories import complete_draft, in_quality_check

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_approves_a_quality_check_from_the_admin(exempt, client):
    application = in_quality_check(exempt)
    assert application.state == VisaState.IN_REVIEW
    reviewer = StaffFactory(username="reviewer", permissions=["decide_visaapplication"])
    client.force_login(reviewer)
    response = client.post(
        "/admin/visas/visaapplication/",
        {"action": "approve_selected", "_selected_action": [application.pk]},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == VisaState.ISSUED
    assert application.visa_number


def test_staff_without_the_permission_cannot_decide(exempt, client):
    application = in_quality_check(exempt)
    staff = StaffFactory(username="clerk", permissions=["view_visaapplication"])
    client.force_login(staff)
    client.post(
        "/admin/visas/visaapplication/",
        {"action": "approve_selected", "_selected_action": [application.pk]},
    )
    assert VisaApplication.objects.get(pk=application.pk).state == VisaState.IN_REVIEW


def test_staff_opening_a_visa_in_the_admin_is_audited(exempt, client):
    from musaned.core.models import AuditEvent

    application = complete_draft(exempt)
    staff = StaffFactory(username="root", is_superuser=True)
    client.force_login(staff)
    response = client.get(f"/en/admin/visas/visaapplication/{application.pk}/change/")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="admin.record_viewed")
    assert (event.actor, event.target_id) == (staff, str(application.pk))


@pytest.mark.parametrize("role", ["reviewer", "supervisor"])
def test_reviewers_and_supervisors_list_no_drafts_and_read_no_qr_token(
    exempt, citizen, client, request, role
):
    draft = complete_draft(citizen)
    discarded = services.visa_application_withdraw(
        application=complete_draft(citizen, nationality="IND"), actor=citizen
    )
    issued = services.visa_application_submit(application=complete_draft(exempt), actor=exempt)
    assert issued.state == VisaState.ISSUED and issued.verification_token
    client.force_login(request.getfixturevalue(role))

    listing = client.get("/en/admin/visas/visaapplication/").content.decode()
    assert issued.reference in listing
    assert draft.reference not in listing and discarded.reference not in listing
    searched = client.get("/en/admin/visas/visaapplication/", {"q": draft.reference})
    assert "0 results" in searched.content.decode()
    filtered = client.get("/en/admin/visas/visaapplication/", {"state__exact": "draft"})
    assert draft.reference not in filtered.content.decode()
    # A draft's own page is not there either (the admin says it does not exist).
    opened = client.get(f"/en/admin/visas/visaapplication/{draft.pk}/change/")
    assert opened.status_code == 302

    page = client.get(f"/en/admin/visas/visaapplication/{issued.pk}/change/")
    assert page.status_code == 200
    assert issued.verification_token not in page.content.decode()
    assert "verification_token" not in page.content.decode()
