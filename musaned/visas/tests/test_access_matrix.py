"""Who may open what: the owner, another citizen (404, as if it did not exist), anonymous (login)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from musaned.payments.selectors import bill_for
from musaned.visas import services
from musaned.visas.models import VisaApplication, VisaState
from musaned.visas.tests.conftest import complete_draft
from musaned.visas.tests.test_services import pay

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issued(citizen):
    application = services.visa_application_submit(
        application=complete_draft(citizen), actor=citizen
    )
    pay(bill_for(application))
    application.refresh_from_db()
    return application


@pytest.fixture
def draft(citizen):
    return complete_draft(citizen)


def owner_urls(issued, draft):
    i, d = issued.reference, draft.reference
    return [
        ("get", f"/visas/{i}/"),
        ("get", f"/en/visas/{i}/"),
        ("get", f"/visas/{i}/status.json"),
        ("get", f"/visas/{i}/e-visa.pdf"),
        ("get", f"/en/visas/{i}/e-visa.pdf"),
        ("get", f"/visas/{i}/documents/proof/"),
        ("get", f"/visas/{i}/cancel/"),
        ("post", f"/visas/{i}/cancel/"),
        ("post", f"/visas/{i}/recheck/"),
        ("get", f"/visas/{d}/worker/"),
        ("post", f"/visas/{d}/worker/"),
        ("get", f"/visas/{d}/finance/"),
        ("post", f"/visas/{d}/finance/"),
        ("get", f"/visas/{d}/review/"),
        ("post", f"/visas/{d}/review/"),
        ("post", f"/visas/{d}/withdraw/"),
    ]


def test_the_owner_reaches_every_page_of_their_requests(citizen, issued, draft):
    client = Client()
    client.force_login(citizen)
    for method, url in owner_urls(issued, draft):
        if method == "get":
            response = client.get(url)
            assert response.status_code == 200, url
    pdf = client.get(f"/visas/{issued.reference}/e-visa.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    document = client.get(f"/visas/{issued.reference}/documents/proof/")
    assert document["Content-Disposition"].startswith("attachment")
    assert document["X-Content-Type-Options"] == "nosniff"


def test_another_citizen_gets_404_for_every_page_and_every_write(issued, draft, resident):
    stranger = Client()
    stranger.force_login(resident)
    for method, url in owner_urls(issued, draft):
        response = getattr(stranger, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    issued.refresh_from_db()
    draft.refresh_from_db()
    assert (issued.state, draft.state) == (VisaState.ISSUED, VisaState.DRAFT)


def test_anonymous_visitors_are_sent_to_log_in(issued, draft):
    for method, url in owner_urls(issued, draft):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302, url
        assert response["Location"].split("?")[0] in ("/login/", "/en/login/"), url


def test_the_qr_page_shows_no_unmasked_personal_data(issued, citizen):
    page = Client().get(f"/verify/{issued.verification_token}/")
    assert page.status_code == 200
    for secret in (
        citizen.national_id,
        citizen.last_name,
        citizen.mobile,
        citizen.email,
        "0500000001",
    ):
        assert secret not in page.text
    assert issued.visa_number in page.text
    assert Client().get("/verify/not-a-real-token/").status_code == 404


def test_posting_status_fee_or_owner_changes_nothing(citizen, draft, resident):
    client = Client()
    client.force_login(citizen)
    client.post(
        f"/visas/{draft.reference}/worker/",
        {
            "occupation": draft.occupation_id,
            "nationality": draft.nationality_id,
            "worker_gender": "F",
            "arrival_point": draft.arrival_point_id,
            "state": "issued",
            "fee": "0",
            "owner": resident.pk,
            "visa_number": "9000000001",
        },
    )
    draft.refresh_from_db()
    assert (draft.state, draft.fee, draft.owner_id, draft.visa_number) == (
        VisaState.DRAFT,
        None,
        citizen.pk,
        None,
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", b"<html><script>alert(1)</script></html>"),
        ("x.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>"),
        ("x.pdf.html", b"<!doctype html><p>hi"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        ("../../etc/passwd.pdf", b"root:x:0:0"),
    ],
)
def test_uploads_are_checked_by_content_and_the_form_keeps_the_rest(citizen, name, content):
    application = services.visa_application_create(owner=citizen)
    services.visa_application_update(
        application=application,
        actor=citizen,
        occupation=complete_draft(citizen).occupation,
    )
    client = Client()
    client.force_login(citizen)
    response = client.post(
        f"/en/visas/{application.reference}/finance/",
        {
            "proof_type": "bank",
            "bank_balance": "65000",
            "proof_document": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert "Upload a PDF, JPG or PNG file." in response.text
    assert 'value="65000"' in response.text
    application.refresh_from_db()
    assert not application.proof_document


@override_settings(MUSANED_MAX_UPLOAD_BYTES=1024)
def test_an_oversize_upload_is_refused(citizen):
    application = complete_draft(citizen)
    client = Client()
    client.force_login(citizen)
    response = client.post(
        f"/en/visas/{application.reference}/finance/",
        {
            "proof_type": "bank",
            "bank_balance": "65000",
            "proof_document": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 4096),
        },
    )
    assert "The file is larger than" in response.text


def _fill(owner, count):
    from musaned.visas.models import ArrivalPoint, Nationality, Occupation

    occupation, nationality = Occupation.objects.first(), Nationality.objects.first()
    arrival = ArrivalPoint.objects.first()
    VisaApplication.objects.bulk_create(
        VisaApplication(
            owner=owner,
            reference=f"55{n:08d}",
            state=VisaState.ISSUED,
            visa_number=f"95{n:08d}",
            issued_number=f"45{n:08d}",
            occupation=occupation,
            nationality=nationality,
            arrival_point=arrival,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [1, 15])
def test_my_visas_and_the_hub_keep_a_fixed_number_of_queries(
    citizen, count, django_assert_max_num_queries
):
    _fill(citizen, count)
    client = Client()
    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        assert client.get("/visas/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/services/").status_code == 200
