"""Who may open the back office: the access matrix over every back-office URL.

A citizen gets 404 for every URL and every method (the back office does not exist for
them); a signed-out visitor is sent to log in; staff without the sign-in code are sent
to log in again; each role reaches its own pages and gets 403 on the others.
"""

import re

import pytest
from django.test import Client

from musaned.accounts.tests.factories import StaffFactory
from musaned.complaints.tests.factories import file_complaint
from musaned.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(complaint, in_review):
    """(method, url, who may) for every back-office URL, with real records."""
    c, v = complaint.number, in_review.reference
    attachment = complaint.attachments.get()
    complaints = {"officer", "supervisor"}
    visas = {"reviewer", "supervisor"}
    supervisors = {"supervisor"}
    return [
        ("get", "/backoffice/", complaints),
        ("get", "/en/backoffice/", complaints),
        ("get", f"/backoffice/complaints/{c}/", complaints),
        ("get", f"/backoffice/complaints/{c}/attachments/{attachment.pk}/", complaints),
        ("get", f"/backoffice/complaints/{c}/audit/", supervisors),
        ("post", f"/backoffice/complaints/{c}/act/", complaints),
        ("post", f"/backoffice/complaints/{c}/note/", complaints),
        ("get", "/backoffice/visas/", visas),
        ("get", f"/backoffice/visas/{v}/", visas),
        ("post", f"/backoffice/visas/{v}/", visas),
        ("get", f"/backoffice/visas/{v}/documents/proof/", visas),
        ("get", f"/backoffice/visas/{v}/documents/occupation/", visas),
        ("get", f"/backoffice/visas/{v}/audit/", supervisors),
        ("get", "/backoffice/statistics/", supervisors),
        ("get", "/backoffice/statistics.csv", supervisors),
    ]


def test_a_citizen_gets_404_on_every_back_office_url_for_every_method(citizen, urls, signed_in):
    client = signed_in(citizen)
    for _method, url, _who in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (method, url, response.status_code)


def test_a_signed_out_visitor_is_sent_to_log_in(urls):
    client = Client()
    for method, url, _who in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"].split("?")[0] in ("/login/", "/en/login/"), url


def test_staff_without_the_sign_in_code_are_sent_to_log_in_again(supervisor, urls, signed_in):
    for method, url, _who in urls:
        client = signed_in(supervisor, second_factor=False)
        response = getattr(client, method)(url)
        assert response.status_code == 302, (url, response.status_code)
        assert re.match(r"^(/en)?/login/\?next=", response["Location"]), url
        # Signed out: the next request is a stranger's.
        assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", ["officer", "reviewer", "supervisor", "no role"])
def test_each_role_reaches_its_pages_and_gets_403_on_the_others(request, urls, role, signed_in):
    user = StaffFactory(username="clerk") if role == "no role" else request.getfixturevalue(role)
    client = signed_in(user)
    for method, url, who in urls:
        response = getattr(client, method)(url)
        if role in who:
            # Allowed: the page, a file, or a form shown again (nothing valid was posted).
            assert response.status_code in (200, 400), (role, method, url, response.status_code)
        else:
            assert response.status_code == 403, (role, method, url, response.status_code)


def test_a_complaints_officer_cannot_reassign(officer, other_officer, complaint, signed_in):
    client = signed_in(officer)
    response = client.post(
        f"/backoffice/complaints/{complaint.number}/act/",
        {"action": "reassign", "reassign-assign_to": other_officer.pk},
    )
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.assigned_to is None and complaint.state == "submitted"


def test_an_officer_gets_no_reassign_form_but_a_supervisor_does(
    officer, supervisor, complaint, signed_in
):
    url = f"/backoffice/complaints/{complaint.number}/"
    assert b'name="reassign-assign_to"' not in signed_in(officer).get(url).content
    page = signed_in(supervisor).get(url).content.decode()
    assert 'name="reassign-assign_to"' in page
    assert ">Salem</option>" in page  # active officers are offered by name


def test_every_detail_view_writes_an_audit_row(supervisor, complaint, in_review, signed_in):
    client = signed_in(supervisor)
    attachment = complaint.attachments.get()
    c, v = complaint.number, in_review.reference
    for url, action, target in [
        (f"/backoffice/complaints/{c}/", "backoffice.complaint_viewed", complaint),
        (
            f"/backoffice/complaints/{c}/attachments/{attachment.pk}/",
            "backoffice.complaint_attachment_viewed",
            complaint,
        ),
        (f"/backoffice/complaints/{c}/audit/", "backoffice.complaint_audit_viewed", complaint),
        (f"/backoffice/visas/{v}/", "backoffice.visa_viewed", in_review),
        (f"/backoffice/visas/{v}/documents/proof/", "backoffice.visa_document_viewed", in_review),
        (f"/backoffice/visas/{v}/audit/", "backoffice.visa_audit_viewed", in_review),
    ]:
        before = AuditEvent.objects.filter(action=action).count()
        assert client.get(url).status_code == 200, url
        event = AuditEvent.objects.filter(action=action).first()
        assert AuditEvent.objects.filter(action=action).count() == before + 1, url
        assert event.actor == supervisor
        assert (event.target_type, event.target_id) == (target._meta.label_lower, str(target.pk))


def test_the_audit_trail_lists_every_event_of_the_record_newest_first(
    supervisor, complaint, signed_in
):
    client = signed_in(supervisor)
    client.get(f"/backoffice/complaints/{complaint.number}/")
    page = client.get(f"/backoffice/complaints/{complaint.number}/audit/").content.decode()
    for action in (
        "complaint.submitted",
        "backoffice.complaint_viewed",
        "backoffice.complaint_audit_viewed",
    ):
        assert action in page
    assert page.index("backoffice.complaint_audit_viewed") < page.index("complaint.submitted")


def test_another_complaints_attachment_is_404(officer, complaint, citizen, signed_in):
    other = file_complaint(citizen)
    attachment = complaint.attachments.get()
    response = signed_in(officer).get(
        f"/backoffice/complaints/{other.number}/attachments/{attachment.pk}/"
    )
    assert response.status_code == 404


def test_the_links_each_role_sees_follow_its_permissions(
    officer, reviewer, supervisor, complaint, signed_in
):
    url = f"/en/backoffice/complaints/{complaint.number}/"
    officers_page = signed_in(officer).get(url).content.decode()
    supervisors_page = signed_in(supervisor).get(url).content.decode()
    assert "Audit trail of this complaint" not in officers_page
    assert "Audit trail of this complaint" in supervisors_page
    assert 'href="/en/backoffice/statistics/"' not in officers_page
    assert 'href="/en/backoffice/statistics/"' in supervisors_page
    assert 'href="/en/backoffice/visas/"' in supervisors_page
    assert 'href="/en/backoffice/visas/"' not in officers_page
    reviewers_page = signed_in(reviewer).get("/en/backoffice/visas/").content.decode()
    assert 'href="/en/backoffice/visas/"' in reviewers_page
    nav = re.search(r'<nav class="backoffice-nav".*?</nav>', reviewers_page, re.S).group(0)
    assert 'href="/en/backoffice/"' not in nav and 'href="/en/backoffice/visas/"' in nav


@pytest.mark.parametrize(
    ("role", "first_section"),
    [
        ("officer", "/backoffice/"),
        ("reviewer", "/backoffice/visas/"),
        ("supervisor", "/backoffice/"),
        ("licensing officer", "/licensing/"),
    ],
)
def test_the_headers_back_office_link_opens_the_first_section_the_role_may_use(
    request, role, first_section, signed_in
):
    if role == "licensing officer":
        user = StaffFactory(username="licensing", permissions=["register_office"])
    else:
        user = request.getfixturevalue(role)
    client = signed_in(user)
    hub = client.get("/services/").content.decode()
    assert 'href="/backoffice/start/"' in hub
    response = client.get("/backoffice/start/")
    assert response.status_code == 302 and response["Location"] == first_section
    assert client.get(first_section).status_code == 200
    english = client.get("/en/backoffice/start/")
    assert english["Location"] == "/en" + first_section


def test_the_back_office_start_is_403_for_staff_without_a_role_and_404_for_a_citizen(
    citizen, signed_in
):
    assert signed_in(StaffFactory(username="clerk")).get("/backoffice/start/").status_code == 403
    assert signed_in(citizen).get("/backoffice/start/").status_code == 404
