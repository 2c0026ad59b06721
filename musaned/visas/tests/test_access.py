"""Who may open what, what a form may change, what the pages cost, and what a lapsed bill does.

The owner reaches every page of their requests; another signed-in person gets
404 (as if the request did not exist) for every read and every write; a
visitor who is signed out is sent to log in.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from musaned.payments.models import Bill, BillState
from musaned.payments.selectors import bill_for
from musaned.payments.services import bills_expire
from musaned.visas import services
from musaned.visas.models import (
    ArrivalPoint,
    Nationality,
    Occupation,
    VisaApplication,
    VisaState,
)
from musaned.visas.tests.factories import complete_draft, draft_at_finance, issued_visa

pytestmark = pytest.mark.django_db(transaction=True)

LOGIN_PAGES = ("/login/", "/en/login/")


@pytest.fixture
def issued(citizen):
    """The citizen's visa: submitted, paid by the provider's signed callback, issued."""
    return issued_visa(citizen)


@pytest.fixture
def draft(citizen):
    """A complete draft for an occupation that needs a document (so both documents exist)."""
    return complete_draft(citizen, occupation="home-nurse")


def owner_scoped_urls(issued, draft) -> list[tuple[str, str, set[int]]]:
    """(method, url, what the owner may get) for every page that belongs to one request."""
    i, d = issued.reference, draft.reference
    return [
        ("get", f"/visas/{i}/", {200}),
        ("get", f"/en/visas/{i}/", {200}),
        ("get", f"/visas/{i}/e-visa.pdf", {200}),
        ("get", f"/en/visas/{i}/e-visa.pdf", {200}),
        ("get", f"/visas/{i}/documents/proof/", {200}),
        ("get", f"/visas/{d}/documents/proof/", {200}),
        ("get", f"/visas/{d}/documents/occupation/", {200}),
        ("get", f"/en/visas/{d}/documents/occupation/", {200}),
        ("get", f"/visas/{d}/worker/", {200}),
        ("post", f"/visas/{d}/worker/", {200}),  # empty form: shown again with errors
        ("get", f"/visas/{d}/finance/", {200}),
        ("post", f"/visas/{d}/finance/", {200}),
        ("get", f"/visas/{d}/review/", {200}),
        ("post", f"/visas/{d}/review/", {200}),  # no declaration ticked: shown again
        ("post", f"/visas/{i}/recheck/", {302}),  # not rejected: back to the request
        ("get", f"/visas/{i}/cancel/", {200}),
        ("post", f"/visas/{i}/cancel/", {200}),  # not confirmed: shown again, nothing cancelled
        ("post", f"/visas/{d}/withdraw/", {302}),  # last: the draft is gone after it
    ]


def test_the_owner_reaches_every_page_of_their_requests(citizen, issued, draft, signed_in):
    client = signed_in(citizen)
    for method, url, expected in owner_scoped_urls(issued, draft):
        response = getattr(client, method)(url)
        assert response.status_code in expected, (method, url, response.status_code)
    issued.refresh_from_db()
    draft.refresh_from_db()
    assert issued.state == VisaState.ISSUED  # the unconfirmed cancel changed nothing
    assert draft.state == VisaState.WITHDRAWN


def test_the_owner_downloads_the_evisa_and_documents_as_attachments(
    citizen, issued, draft, signed_in
):
    client = signed_in(citizen)
    for prefix in ("", "/en"):
        pdf = client.get(f"{prefix}/visas/{issued.reference}/e-visa.pdf")
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
    for kind in ("proof", "occupation"):
        document = client.get(f"/visas/{draft.reference}/documents/{kind}/")
        assert document["Content-Disposition"].startswith("attachment")
        assert document["X-Content-Type-Options"] == "nosniff"


def test_another_citizen_gets_404_for_every_page_and_every_write(issued, draft, exempt, signed_in):
    stranger = signed_in(exempt)
    for method, url, _owner_gets in owner_scoped_urls(issued, draft):
        response = getattr(stranger, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    # Writes with a full, valid-looking body are refused just the same.
    confirmed = stranger.post(f"/visas/{issued.reference}/cancel/", {"confirm": "on"})
    declared = stranger.post(f"/visas/{draft.reference}/review/", {"declaration": "on"})
    assert (confirmed.status_code, declared.status_code) == (404, 404)
    issued.refresh_from_db()
    draft.refresh_from_db()
    assert (issued.state, draft.state) == (VisaState.ISSUED, VisaState.DRAFT)
    assert bill_for(draft) is None


def test_another_citizen_cannot_tell_a_real_request_from_a_missing_one(issued, exempt, signed_in):
    """A POST to a read-only page is refused the same way whether the request exists or not."""
    stranger = signed_in(exempt)
    for suffix in ("", "e-visa.pdf", "documents/proof/"):
        real = stranger.post(f"/visas/{issued.reference}/{suffix}")
        missing = stranger.post(f"/visas/0000000000/{suffix}")
        assert real.status_code == missing.status_code, suffix
        assert real.status_code in (404, 405)


def test_signed_out_visitors_are_sent_to_log_in(issued, draft):
    for method, url, _owner_gets in owner_scoped_urls(issued, draft):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].split("?")[0] in LOGIN_PAGES, (method, url)
    draft.refresh_from_db()
    assert draft.state == VisaState.DRAFT


def test_the_qr_verification_page_is_public_and_shows_no_unmasked_personal_data(issued, citizen):
    for prefix in ("", "/en"):
        page = Client().get(f"{prefix}/verify/{issued.verification_token}/")
        assert page.status_code == 200
        assert issued.visa_number in page.text
        for secret in (
            citizen.national_id,
            citizen.last_name,  # the family name (Arabic)
            "Alotaibi",  # the family name (English)
            citizen.mobile,
            "0500000001",
            "500000001",
            citizen.email,
            citizen.username,
        ):
            assert secret not in page.text, (prefix, secret)


def test_the_qr_verification_page_is_404_for_a_wrong_token(issued):
    assert Client().get("/verify/not-a-real-token/").status_code == 404
    assert Client().get(f"/verify/{issued.verification_token[:-1]}x/").status_code == 404


SMUGGLED = {"state": "issued", "fee": "0", "visa_number": "9123456789"}


def test_posting_state_fee_owner_or_visa_number_to_the_worker_step_changes_nothing(
    citizen, exempt, signed_in
):
    draft = complete_draft(citizen)
    response = signed_in(citizen).post(
        f"/visas/{draft.reference}/worker/",
        {
            "occupation": Occupation.objects.get(code="cook").pk,
            "nationality": draft.nationality_id,
            "worker_gender": "F",
            "arrival_point": draft.arrival_point_id,
            **SMUGGLED,
            "owner": exempt.pk,
        },
    )
    assert response.status_code == 302  # the form was accepted…
    draft.refresh_from_db()
    assert draft.occupation.code == "cook"  # …and its own fields saved
    assert (draft.state, draft.fee, draft.owner_id, draft.visa_number) == (
        VisaState.DRAFT,
        None,
        citizen.pk,
        None,
    )


def test_posting_state_fee_owner_or_visa_number_to_the_finance_step_changes_nothing(
    citizen, exempt, signed_in
):
    draft = complete_draft(citizen)
    response = signed_in(citizen).post(
        f"/visas/{draft.reference}/finance/",
        {"proof_type": "bank", "bank_balance": "65000", **SMUGGLED, "owner": exempt.pk},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.bank_balance == Decimal("65000")
    assert (draft.state, draft.fee, draft.owner_id, draft.visa_number) == (
        VisaState.DRAFT,
        None,
        citizen.pk,
        None,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", b"<html><body><script>alert(1)</script></body></html>"),
        ("x.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'),
        ("logo.pdf", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("x.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"),
        ("x.pdf.html", b"<!doctype html><p>hi"),
        ("../../etc/passwd.pdf", b"root:x:0:0"),
    ],
    ids=[
        "html-named-pdf",
        "pdf-magic-then-html",
        "svg",
        "svg-named-pdf",
        "html-with-png-header",
        "double-extension",
        "path-like-name",
    ],
)
def test_a_document_is_refused_by_its_content_and_the_typed_values_stay(
    citizen, name, content, signed_in
):
    application = draft_at_finance(citizen)
    response = signed_in(citizen).post(
        f"/en/visas/{application.reference}/finance/",
        {
            "proof_type": "bank",
            "bank_balance": "65000",
            "proof_document": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "Upload a PDF, JPG or PNG file." in response.text
    assert 'value="65000"' in response.text
    application.refresh_from_db()
    assert not application.proof_document
    assert application.bank_balance is None


@override_settings(MUSANED_MAX_UPLOAD_BYTES=1024)
def test_a_document_over_the_size_limit_is_refused_and_the_typed_values_stay(citizen, signed_in):
    application = draft_at_finance(citizen)
    response = signed_in(citizen).post(
        f"/en/visas/{application.reference}/finance/",
        {
            "proof_type": "bank",
            "bank_balance": "65000",
            "proof_document": SimpleUploadedFile(
                "statement.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 200
    assert "The file is larger than" in response.text
    assert 'value="65000"' in response.text
    application.refresh_from_db()
    assert not application.proof_document


QUERY_BOUND = 8  # /visas/ does 5 today (session, user, list, notices)
OTHER_STATES = [
    VisaState.DRAFT,
    VisaState.REJECTED,
    VisaState.CANCELLED,
    VisaState.EXPIRED,
    VisaState.WITHDRAWN,
]


def _applications(owner, count: int) -> None:
    """``count`` rows for ``owner``: up to 3 issued through the services, the rest by the ORM."""
    through_services = min(count, 3)  # the capacity rule allows three active visas
    for _n in range(through_services):
        application = services.visa_application_submit(
            application=complete_draft(owner, bank_balance=Decimal("200000")), actor=owner
        )
        assert application.state == VisaState.ISSUED  # fee exempt: no bill, decided at once
    cook, india = Occupation.objects.get(code="cook"), Nationality.objects.get(code="IND")
    jeddah = ArrivalPoint.objects.get(code="JED")
    for n in range(count - through_services):
        VisaApplication.objects.create(
            owner=owner,
            reference=f"66{n:08d}",
            state=OTHER_STATES[n % len(OTHER_STATES)],
            occupation=cook,
            nationality=india,
            worker_gender="M",
            arrival_point=jeddah,
            fee=Decimal("0"),
            fix_by=dt.date(2030, 1, 1),
        )
    assert VisaApplication.objects.filter(owner=owner).count() == count


@pytest.mark.parametrize("count", [1, 15])
def test_my_visas_and_the_hub_keep_a_fixed_number_of_queries(
    exempt, count, django_assert_max_num_queries, signed_in
):
    _applications(exempt, count)
    client = signed_in(exempt)
    client.get("/services/")  # warm the session and any per-process caches
    for url in ("/visas/", "/en/visas/", "/services/", "/en/services/"):
        with django_assert_max_num_queries(QUERY_BOUND):
            assert client.get(url).status_code == 200, url
    shown = client.get("/visas/").text
    visible = VisaApplication.objects.filter(owner=exempt).exclude(state=VisaState.WITHDRAWN)
    assert all(reference in shown for reference in visible.values_list("reference", flat=True))


def test_an_unpaid_bill_that_expires_puts_the_request_back_to_draft_to_edit_and_submit_again(
    citizen,
    signed_in,
):
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    first_bill = bill_for(application)
    assert application.state == VisaState.AWAITING_PAYMENT

    assert bills_expire(now=first_bill.due_at + dt.timedelta(seconds=1)) == 1

    application.refresh_from_db()
    first_bill.refresh_from_db()
    assert application.state == VisaState.DRAFT
    assert first_bill.state == BillState.EXPIRED
    client = signed_in(citizen)
    assert client.get(f"/visas/{application.reference}/worker/").status_code == 200
    edited = client.post(
        f"/visas/{application.reference}/finance/",
        {"proof_type": "bank", "bank_balance": "70000"},
    )
    assert edited.status_code == 302
    submitted = client.post(f"/visas/{application.reference}/review/", {"declaration": "on"})
    assert submitted.status_code == 302

    application.refresh_from_db()
    assert application.state == VisaState.AWAITING_PAYMENT
    assert application.bank_balance == Decimal("70000")
    second_bill = bill_for(application)
    assert second_bill.pk != first_bill.pk and second_bill.number != first_bill.number
    assert second_bill.state == BillState.UNPAID
    assert Bill.objects.filter(subject_id=str(application.pk)).count() == 2
